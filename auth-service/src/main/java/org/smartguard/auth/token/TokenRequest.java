package org.smartguard.auth.token;

import java.util.Optional;

import jakarta.ws.rs.core.MultivaluedMap;

import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;

/**
 * A token request: its form parameters and the client it authenticated as (empty when a public client sent no
 * {@code client_id}, which a refresh from a public client may do).
 */
public record TokenRequest(MultivaluedMap<String, String> form, Optional<OAuthClient> client) {

    /** A parameter that must be present exactly once. */
    public String required(String name) {
        String value = optional(name);
        if (value == null || value.isBlank()) {
            throw OAuthException.badRequest(OAuthError.INVALID_REQUEST, "missing parameter " + name);
        }
        return value;
    }

    /** A parameter that may be absent but never repeated (RFC 6749 §3.2). */
    public String optional(String name) {
        var values = form.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw OAuthException.badRequest(OAuthError.INVALID_REQUEST, "parameter " + name + " is repeated");
        }
        return values.get(0);
    }

    /** The authenticated client, for grants that need one. */
    public OAuthClient requireClient() {
        return client.orElseThrow(() -> OAuthException.invalidClient("client authentication is required"));
    }
}
