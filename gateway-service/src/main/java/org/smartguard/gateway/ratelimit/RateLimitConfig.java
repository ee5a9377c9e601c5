package org.smartguard.gateway.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.gateway.ratelimit.*}: per-patient budgets for authenticated requests, per-address ones for login. */
@ConfigMapping(prefix = "smartguard.gateway.ratelimit")
public interface RateLimitConfig {

    /** Requests per window for one patient, unless a client or route has its own budget. */
    @WithDefault("100")
    int defaultLimit();

    /** The sliding window every budget counts in. */
    @WithDefault("1m")
    Duration window();

    /** Budgets per client_id; such a client counts in its own window per patient. Wins over a route's budget. */
    Map<String, Integer> clientLimits();

    /** Budgets per route name (auth, fhir, audit); such a route counts in its own window per patient. */
    Map<String, Integer> routeLimits();

    /** Prefix of every Redis key the limiter writes. */
    @WithDefault("smartguard:gateway:ratelimit:")
    String keyPrefix();

    /** While Redis is unreachable: true = count per replica and let traffic through, false = answer 503. */
    @WithDefault("true")
    boolean faultTolerant();

    /** How long one Redis call may take before it counts as a failure. */
    @WithDefault("1s")
    Duration redisTimeout();

    /** After a Redis failure, how long to count locally before trying Redis again. */
    @WithDefault("5s")
    Duration redisRetryInterval();

    /** Keys (patients, addresses) the per-replica fallback remembers at most. */
    @WithDefault("100000")
    int localMaxKeys();

    /** Budgets per client address on unauthenticated routes that are worth brute-forcing. */
    Address address();

    interface Address {
        /** Exact paths limited per client address. */
        @WithDefault("/auth/token,/auth/authorize/login")
        List<String> paths();

        /** Requests per window from one address to those paths together. */
        @WithDefault("30")
        int limit();
    }
}
