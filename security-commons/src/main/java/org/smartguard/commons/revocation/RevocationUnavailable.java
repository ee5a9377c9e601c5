package org.smartguard.commons.revocation;

/**
 * Neither Redis nor a recent enough copy of the auth-service's revocation list can say whether a token is revoked:
 * the request is refused (503), never served on a guess.
 */
public class RevocationUnavailable extends RuntimeException {

    public static final String CODE = "SG-REVOCATION-UNAVAILABLE";

    RevocationUnavailable() {
        super("token revocation cannot be checked now; retry shortly", null, false, false);
    }
}
