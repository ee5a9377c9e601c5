package org.smartguard.commons.tokens;

/**
 * The Redis contract of the token denylist: the auth-service writes {@code smartguard:revoked-jti:<jti>} with a
 * time-to-live that ends when the token would have expired; the gateway and the fhir-service refuse a token whose
 * key exists.
 */
public final class RevokedTokenKeys {

    public static final String PREFIX = "smartguard:revoked-jti:";

    private RevokedTokenKeys() {
    }

    public static String of(String jti) {
        return PREFIX + jti;
    }
}
