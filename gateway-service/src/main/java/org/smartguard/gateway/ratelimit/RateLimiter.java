package org.smartguard.gateway.ratelimit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.gateway.redis.LocalRedis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.vertx.core.http.HttpServerRequest;

/**
 * Decides whether a request fits its budget: authenticated requests per patient (see {@link RateLimitKeys}),
 * unauthenticated requests to the brute-force targets per client address. A client or route with its own budget
 * counts in its own window, so a portal and a clinical app with different budgets do not eat each other's.
 */
@ApplicationScoped
@Startup // its metrics exist from the start, not from the first limited request
public class RateLimiter {

    private final FaultTolerantWindow window;
    private final RateLimitConfig config;
    private final Map<String, Integer> clientLimits;
    private final Map<String, Integer> routeLimits;
    private final List<String> addressPaths;
    private final Counter refusedPatient;
    private final Counter refusedAddress;

    RateLimiter(RateLimitConfig config, LocalRedis redis, MeterRegistry meters) {
        this.config = config;
        this.clientLimits = Map.copyOf(config.clientLimits());
        this.routeLimits = Map.copyOf(config.routeLimits());
        this.addressPaths = List.copyOf(config.address().paths());
        this.window = new FaultTolerantWindow(
                new RedisSlidingWindow(redis::send, config.redisTimeout()),
                new LocalSlidingWindow(config.localMaxKeys(), config.window(), System::currentTimeMillis),
                config.faultTolerant(), config.redisRetryInterval(), System::currentTimeMillis);
        Gauge.builder("smartguard.gateway.ratelimit.redis.available", window, shared -> shared.redisAvailable() ? 1 : 0)
                .description("1 while rate limits are shared through Redis, 0 while each replica counts alone")
                .register(meters);
        FunctionCounter.builder("smartguard.gateway.ratelimit.local.decisions", window, FaultTolerantWindow::localDecisions)
                .description("rate limit decisions taken per replica because Redis was unavailable")
                .register(meters);
        this.refusedPatient = Counter.builder("smartguard.gateway.ratelimit.refused").tag("budget", "patient").register(meters);
        this.refusedAddress = Counter.builder("smartguard.gateway.ratelimit.refused").tag("budget", "address").register(meters);
    }

    /**
     * Counts an authenticated request. Completes with the decision to report in headers, or fails with
     * {@link RateLimitExceeded} or {@link RateLimitStoreUnavailable}.
     */
    public CompletionStage<RateDecision> admitPatientRequest(ValidatedToken token, HttpServerRequest request, String route) {
        String budget;
        int limit;
        if (token.clientId() != null && clientLimits.containsKey(token.clientId())) {
            budget = "client/" + token.clientId();
            limit = clientLimits.get(token.clientId());
        } else if (routeLimits.containsKey(route)) {
            budget = "route/" + route;
            limit = routeLimits.get(route);
        } else {
            budget = "default";
            limit = config.defaultLimit();
        }
        String key = config.keyPrefix() + budget + ":" + RateLimitKeys.subjectOf(token, request);
        return window.admit(key, limit, config.window()).thenApply(decision -> {
            if (!decision.admitted()) {
                refusedPatient.increment();
                throw new RateLimitExceeded(decision, "too many requests for this patient; retry later");
            }
            return decision;
        });
    }

    /** Whether unauthenticated requests to {@code path} are limited per client address. */
    public boolean limitsAddress(String path) {
        return addressPaths.contains(path);
    }

    /** Counts an unauthenticated request from {@code address}; fails like {@link #admitPatientRequest}. */
    public CompletionStage<RateDecision> admitAddressRequest(String address) {
        String key = config.keyPrefix() + "address:" + address;
        return window.admit(key, config.address().limit(), config.window()).thenApply(decision -> {
            if (!decision.admitted()) {
                refusedAddress.increment();
                throw new RateLimitExceeded(decision, "too many requests from this address; retry later");
            }
            return decision;
        });
    }

    /** False while Redis is unreachable and decisions are taken per replica (or refused). */
    public boolean sharedStoreAvailable() {
        return window.redisAvailable();
    }

    boolean faultTolerant() {
        return config.faultTolerant();
    }
}
