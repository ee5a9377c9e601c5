package org.smartguard.auth.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.smartguard.auth.config.AuthConfig;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthExceptionMapper;
import org.smartguard.auth.oauth.SecureTokens;

/**
 * The admin credential ({@code smartguard.auth.admin-token}), presented as {@code Authorization: Bearer <token>}.
 * Compared by hash in constant time. When it is not configured (or blank) nothing matches it: every admin call is
 * answered 401, and registration cannot be given an initial access token.
 */
@ApplicationScoped
public class AdminCredential {

    /** The subject recorded in audit events for whoever holds the admin credential. */
    public static final String ADMIN_SUBJECT = "admin-api";

    private final Optional<byte[]> expectedHash;

    AdminCredential(AuthConfig config) {
        this.expectedHash = config.adminToken().filter(token -> !token.isBlank()).map(AdminCredential::digest);
    }

    /** Whether {@code authorization} (an Authorization header value, may be null) carries the admin credential. */
    public boolean presentedIn(String authorization) {
        if (expectedHash.isEmpty() || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(expectedHash.get(), digest(authorization.substring(7).trim()));
    }

    /** RFC 6750 §3.1 refusal, in the mapper's JSON and with its no-store headers. */
    public static Response unauthorized() {
        return OAuthExceptionMapper.noStore(Response.status(Response.Status.UNAUTHORIZED)
                .entity(OAuthExceptionMapper.body(OAuthError.INVALID_TOKEN, "the admin credential is missing or wrong"))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"smartguard-admin\", error=\"invalid_token\""))
                .build();
    }

    private static byte[] digest(String token) {
        return SecureTokens.hash(token).getBytes(StandardCharsets.US_ASCII);
    }
}
