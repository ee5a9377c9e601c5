package org.smartguard.commons.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The contract of the token denylist. In Redis the auth-service writes {@code smartguard:revoked-jti:<jti>} with a
 * time-to-live that ends when the token would have expired; the gateway and the fhir-service refuse a token whose
 * key exists. In the auth-service's revocation list ({@code GET /auth/revocations}) a jti appears only as
 * {@link #hash(String)}, so the list names no token anyone could use or recognise.
 */
public final class RevokedTokenKeys {

    public static final String PREFIX = "smartguard:revoked-jti:";

    private RevokedTokenKeys() {
    }

    public static String of(String jti) {
        return PREFIX + jti;
    }

    /** Lower-case hex SHA-256 of the jti's UTF-8 bytes. */
    public static String hash(String jti) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jti.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
