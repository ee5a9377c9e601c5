package org.smartguard.auth.clients;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.MultivaluedMap;

import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;

/**
 * Client authentication at the token endpoint, by the method the request uses: {@code client_secret_basic}
 * (Authorization: Basic), {@code private_key_jwt} ({@code client_assertion}), or none for a public client that
 * names itself with {@code client_id}. A confidential client can never pass as public, and one request may use
 * only one method.
 */
@ApplicationScoped
public class ClientAuthenticator {

    public static final String JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final ClientAssertionVerifier assertions;

    ClientAuthenticator(ClientAssertionVerifier assertions) {
        this.assertions = assertions;
    }

    @Transactional
    public Optional<OAuthClient> authenticate(MultivaluedMap<String, String> form, String authorization) {
        String clientId = form.getFirst("client_id");
        String assertion = form.getFirst("client_assertion");
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        if (basic && assertion != null) {
            throw OAuthException.badRequest(OAuthError.INVALID_REQUEST, "use one client authentication method");
        }
        if (form.containsKey("client_secret")) {
            throw OAuthException.invalidClient("client_secret_post is not supported: use client_secret_basic");
        }
        if (basic) {
            return Optional.of(basic(authorization, clientId));
        }
        if (assertion != null) {
            if (!JWT_BEARER_ASSERTION.equals(form.getFirst("client_assertion_type"))) {
                throw OAuthException.invalidClient("client_assertion_type must be " + JWT_BEARER_ASSERTION);
            }
            return Optional.of(assertions.verify(assertion, clientId));
        }
        if (clientId == null) {
            return Optional.empty();
        }
        OAuthClient client = OAuthClient.findByClientId(clientId).orElseThrow(() -> OAuthException.invalidClient("unknown client"));
        if (client.type != ClientType.PUBLIC) {
            throw OAuthException.invalidClient("this client must authenticate");
        }
        return Optional.of(client);
    }

    private static OAuthClient basic(String authorization, String formClientId) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidClient("malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw OAuthException.invalidClient("malformed Basic credentials");
        }
        String clientId = urlDecode(decoded.substring(0, colon));
        String secret = urlDecode(decoded.substring(colon + 1));
        if (formClientId != null && !formClientId.equals(clientId)) {
            throw OAuthException.invalidClient("client_id does not match the credentials");
        }
        return OAuthClient.findByClientId(clientId)
                .filter(client -> client.type == ClientType.CONFIDENTIAL_SYMMETRIC)
                .filter(client -> SecureTokens.matches(secret, client.secretHash))
                .orElseThrow(() -> OAuthException.invalidClient("client authentication failed"));
    }

    /** RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding. */
    private static String urlDecode(String value) {
        return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
