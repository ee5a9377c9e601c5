package org.smartguard.gateway.ratelimit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Says how rate limits are counted. While Redis is unreachable a fault-tolerant gateway stays ready (it counts per
 * replica) and reports {@code store: per-replica} as a warning; a gateway configured to refuse is not ready.
 */
@Readiness
@ApplicationScoped
public class RateLimitHealthCheck implements HealthCheck {

    private final RateLimiter limiter;

    RateLimitHealthCheck(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public HealthCheckResponse call() {
        boolean shared = limiter.sharedStoreAvailable();
        return HealthCheckResponse.named("rate-limits")
                .status(shared || limiter.faultTolerant())
                .withData("store", shared ? "redis" : "per-replica")
                .withData("warning", shared ? "none" : "Redis unreachable: each replica counts alone")
                .build();
    }
}
