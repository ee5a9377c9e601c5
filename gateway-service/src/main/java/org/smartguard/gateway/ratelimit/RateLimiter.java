package org.smartguard.gateway.ratelimit;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.commons.revocation.RevocationCheck;
import org.smartguard.commons.tokens.RevokedTokenKeys;
import org.smartguard.gateway.auth.BearerAuthenticator;
import org.smartguard.gateway.auth.BearerRefusal;
import org.smartguard.gateway.redis.LocalRedis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.vertx.core.Future;

/**
 * Decides whether a request fits its budget: authenticated requests per patient (see {@link RateLimitKeys}),
 * unauthenticated requests to the brute-force targets per client address. A client or route with its own budget
 * counts in its own window, so a portal and a clinical app with different budgets do not eat each other's.
 * An authenticated request's revocation lookup rides on its count: one Redis script call answers both (a revoked
 * token's request is refused and not counted), so a request costs one Redis round trip. While Redis is skipped
 * after a failure, the revocation check and the window each decide as they do without Redis.
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
    private final RevocationCheck revocation;
    private final BearerAuthenticator authenticator;

    RateLimiter(RateLimitConfig config, LocalRedis redis, RevocationCheck revocation, BearerAuthenticator authenticator,
            MeterRegistry meters) {
        this.config = config;
        this.revocation = revocation;
        this.authenticator = authenticator;
        this.clientLimits = Map.copyOf(config.clientLimits());
        this.routeLimits = Map.copyOf(config.routeLimits());
        this.addressPaths = List.copyOf(config.address().paths());
        this.window = new FaultTolerantWindow(
                new RedisSlidingWindow(redis, config.redisTimeout()),
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
     * Counts an authenticated request whose token is verified but not yet checked against the denylist. Completes
     * with the decision to report in headers, or fails with {@link BearerRefusal} (revoked), {@link RateLimitExceeded},
     * {@link RateLimitStoreUnavailable} or {@link org.smartguard.commons.revocation.RevocationUnavailable}.
     *
     * @param patient the request's patient ({@link org.smartguard.gateway.patient.PatientOfRequest}), or null
     */
    public Future<RateDecision> admitPatientRequest(ValidatedToken token, String patient, String route) {
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
        String key = config.keyPrefix() + budget + ":" + RateLimitKeys.subjectOf(token, patient);
        Future<RateDecision> counted;
        if (window.redisInUse() && revocation.redisInUse()) {
            counted = window.shared().admitUnlessRevoked(RevokedTokenKeys.of(token.jti()), key, limit, config.window())
                    .transform(answer -> {
                        if (answer.succeeded() || answer.cause() == TokenRevoked.INSTANCE) {
                            window.redisAnswered();
                            revocation.redisAnswered();
                            return answer.succeeded() ? Future.succeededFuture(answer.result()) : Future.<RateDecision>failedFuture(BearerRefusal.revoked());
                        }
                        window.redisFailed(answer.cause());
                        revocation.redisFailed(answer.cause());
                        return separately(token, key, limit);
                    });
        } else {
            counted = separately(token, key, limit);
        }
        return counted.compose(decision -> {
            if (!decision.admitted()) {
                refusedPatient.increment();
                return Future.failedFuture(new RateLimitExceeded(decision, "too many requests for this patient; retry later"));
            }
            return Future.succeededFuture(decision);
        });
    }

    /** Revocation, then the count, each by its own rules (one of them cannot use Redis now). */
    private Future<RateDecision> separately(ValidatedToken token, String key, int limit) {
        return authenticator.notRevoked(token).compose(valid -> window.admit(key, limit, config.window()));
    }

    /** Whether unauthenticated requests to {@code path} are limited per client address. */
    public boolean limitsAddress(String path) {
        return addressPaths.contains(path);
    }

    /** Counts an unauthenticated request from {@code address}; fails like {@link #admitPatientRequest}. */
    public Future<RateDecision> admitAddressRequest(String address) {
        String key = config.keyPrefix() + "address:" + address;
        return window.admit(key, config.address().limit(), config.window()).compose(decision -> {
            if (!decision.admitted()) {
                refusedAddress.increment();
                return Future.failedFuture(new RateLimitExceeded(decision, "too many requests from this address; retry later"));
            }
            return Future.succeededFuture(decision);
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
