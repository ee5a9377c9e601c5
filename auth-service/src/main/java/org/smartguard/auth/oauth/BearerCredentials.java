package org.smartguard.auth.oauth;

import java.util.Optional;

/** The token of an {@code Authorization: Bearer <token>} header (RFC 6750 §2.1; the scheme is case-insensitive). */
public final class BearerCredentials {

    private static final String SCHEME = "Bearer ";

    private BearerCredentials() {
    }

    public static Optional<String> from(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Optional.empty();
        }
        String token = authorization.substring(SCHEME.length()).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
