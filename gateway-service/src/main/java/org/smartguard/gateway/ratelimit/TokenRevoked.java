package org.smartguard.gateway.ratelimit;

/** The rate-limit script's other answer: the request's token is on the denylist, and nothing was counted. */
public final class TokenRevoked extends RuntimeException {

    static final TokenRevoked INSTANCE = new TokenRevoked();

    private TokenRevoked() {
        super("the token has been revoked", null, false, false);
    }
}
