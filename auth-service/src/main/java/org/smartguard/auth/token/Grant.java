package org.smartguard.auth.token;

import java.util.Map;

/**
 * One OAuth grant type. Implementations are CDI beans; the token endpoint finds them by {@link #grantType()}, and
 * discovery lists them, so a grant exists in both places or in neither.
 */
public interface Grant {

    /** The {@code grant_type} value this grant answers. */
    String grantType();

    /** The token response; refusals are thrown as {@link org.smartguard.auth.oauth.OAuthException}. */
    Map<String, Object> handle(TokenRequest request);
}
