package org.smartguard.auth.authorize;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * An authorization request that passed every check: a registered client and redirect URI, PKCE S256, the right
 * {@code aud}, scopes this client may ask for, and, for an EHR launch, the context its {@code launch} value named.
 *
 * @param scope  the requested scopes, canonical and space-separated
 * @param nonce  OpenID Connect nonce, or null
 * @param launch the EHR launch context, or null for a standalone launch
 */
public record AuthorizationRequest(String clientId, String clientName, String redirectUri, String state, String scope,
        String codeChallenge, String nonce, LaunchContext launch) {

    @JsonIgnore
    public boolean isEhrLaunch() {
        return launch != null;
    }
}
