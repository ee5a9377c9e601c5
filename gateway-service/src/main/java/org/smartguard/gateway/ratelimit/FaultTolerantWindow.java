package org.smartguard.gateway.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import io.vertx.core.Future;

/**
 * Redis first; while Redis fails, what {@code faultTolerant} says, like Kong's {@code fault_tolerant}: count
 * locally per replica (true) or refuse with {@link RateLimitStoreUnavailable} (false). After a failure Redis is
 * skipped for {@code retryInterval} (so an outage does not add a timeout to every request), then the next request
 * tries it again: recovery needs nobody.
 */
final class FaultTolerantWindow implements SlidingWindow {

    private static final Logger LOG = Logger.getLogger(FaultTolerantWindow.class);

    private final RedisSlidingWindow redis;
    private final SlidingWindow local;
    private final boolean faultTolerant;
    private final long retryIntervalMillis;
    private final LongSupplier clockMillis;
    /** 0 while Redis answers; else when to try it again. */
    private volatile long retryRedisAt;
    private final AtomicLong localDecisions = new AtomicLong();

    FaultTolerantWindow(RedisSlidingWindow redis, SlidingWindow local, boolean faultTolerant, Duration retryInterval,
            LongSupplier clockMillis) {
        this.redis = redis;
        this.local = local;
        this.faultTolerant = faultTolerant;
        this.retryIntervalMillis = retryInterval.toMillis();
        this.clockMillis = clockMillis;
    }

    @Override
    public Future<RateDecision> admit(String key, int limit, Duration window) {
        if (!redisInUse()) {
            return withoutRedis(key, limit, window);
        }
        return redis.admit(key, limit, window).transform(answer -> {
            if (answer.succeeded()) {
                redisAnswered();
                return Future.succeededFuture(answer.result());
            }
            redisFailed(answer.cause());
            return withoutRedis(key, limit, window);
        });
    }

    /** The shared window, which the caller may ask along with the denylist ({@link RedisSlidingWindow#admitUnlessRevoked}). */
    RedisSlidingWindow shared() {
        return redis;
    }

    /** False during the retry interval after a Redis failure. */
    boolean redisInUse() {
        long retryAt = retryRedisAt;
        return retryAt == 0 || clockMillis.getAsLong() >= retryAt;
    }

    /** Redis answered a call about this window. */
    void redisAnswered() {
        if (retryRedisAt != 0) {
            retryRedisAt = 0;
            LOG.info("Redis answers again: rate limits are shared by all replicas again");
        }
    }

    /** A call about this window failed: Redis is skipped for the retry interval. */
    void redisFailed(Throwable failure) {
        if (retryRedisAt == 0) {
            LOG.warnf("Redis failed (%s): rate limits %s until it answers again", String.valueOf(failure),
                    faultTolerant ? "are counted per replica" : "refuse every request");
        }
        retryRedisAt = clockMillis.getAsLong() + retryIntervalMillis;
    }

    private Future<RateDecision> withoutRedis(String key, int limit, Duration window) {
        if (!faultTolerant) {
            return Future.failedFuture(new RateLimitStoreUnavailable());
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
