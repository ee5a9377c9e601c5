package org.smartguard.gateway.ratelimit;

/** Redis is unreachable and the configuration says to refuse rather than count per replica. */
public class RateLimitStoreUnavailable extends RuntimeException {

    RateLimitStoreUnavailable() {
        super("rate limits cannot be checked now", null, false, false);
    }
}
