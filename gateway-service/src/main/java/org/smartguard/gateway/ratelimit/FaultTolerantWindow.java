package org.smartguard.gateway.ratelimit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * Redis first; while Redis fails, what {@code faultTolerant} says, like Kong's {@code fault_tolerant}: count
 * locally per replica (true) or refuse with {@link RateLimitStoreUnavailable} (false). After a failure Redis is
 * skipped for {@code retryInterval} (so an outage does not add a timeout to every request), then the next request
 * tries it again: recovery needs nobody.
 */
final class FaultTolerantWindow implements SlidingWindow {

    private static final Logger LOG = Logger.getLogger(FaultTolerantWindow.class);

    private final SlidingWindow redis;
    private final SlidingWindow local;
    private final boolean faultTolerant;
    private final long retryIntervalMillis;
    private final LongSupplier clockMillis;
    /** 0 while Redis answers; else when to try it again. */
    private volatile long retryRedisAt;
    private final AtomicLong localDecisions = new AtomicLong();

    FaultTolerantWindow(SlidingWindow redis, SlidingWindow local, boolean faultTolerant, Duration retryInterval,
            LongSupplier clockMillis) {
        this.redis = redis;
        this.local = local;
        this.faultTolerant = faultTolerant;
        this.retryIntervalMillis = retryInterval.toMillis();
        this.clockMillis = clockMillis;
    }

    @Override
    public CompletionStage<RateDecision> admit(String key, int limit, Duration window) {
        long retryAt = retryRedisAt;
        if (retryAt != 0 && clockMillis.getAsLong() < retryAt) {
            return withoutRedis(key, limit, window);
        }
        return redis.admit(key, limit, window)
                .thenApply(decision -> {
                    if (retryRedisAt != 0) {
                        retryRedisAt = 0;
                        LOG.info("Redis answers again: rate limits are shared by all replicas again");
                    }
                    return decision;
                })
                .exceptionallyCompose(failure -> {
                    if (retryRedisAt == 0) {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        LOG.warnf("Redis failed (%s): rate limits %s until it answers again", String.valueOf(cause),
                                faultTolerant ? "are counted per replica" : "refuse every request");
                    }
                    retryRedisAt = clockMillis.getAsLong() + retryIntervalMillis;
                    return withoutRedis(key, limit, window);
                });
    }

    private CompletionStage<RateDecision> withoutRedis(String key, int limit, Duration window) {
        if (!faultTolerant) {
            return CompletableFuture.failedFuture(new RateLimitStoreUnavailable());
        }
        localDecisions.incrementAndGet();
        return local.admit(key, limit, window);
    }

    /** False from a Redis failure until Redis answers again. */
    boolean redisAvailable() {
        return retryRedisAt == 0;
    }

    /** Decisions taken per replica because Redis was unavailable, since start. */
    long localDecisions() {
        return localDecisions.get();
    }
}
