package org.smartguard.auth.authorize;

import org.smartguard.auth.token.GrantContext;

/**
 * What an authorization code stands for: the client and redirect URI it was issued to, the PKCE challenge its
 * redeemer must answer, and the authorization the user gave.
 */
public record IssuedCode(String clientId, String redirectUri, String codeChallenge, GrantContext grant) {
}
