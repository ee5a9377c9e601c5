package org.smartguard.commons.revocation;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.jboss.logging.Logger;
import org.smartguard.commons.tokens.RevokedTokenKeys;

/**
 * Whether an access token's jti has been revoked, for every token verifier (gateway, fhir-service). Redis EXISTS
 * normally. When Redis fails (an error or no answer within {@code redis-timeout}), the local copy of the
 * auth-service's revocation list decides, and Redis is skipped for {@code redis-retry-interval} so an outage does
 * not add a timeout to every request; the next request after that tries Redis again, so recovery needs nobody.
 * When that copy is older than {@code max-staleness} too (the auth-service is also unreachable), the answer is
 * {@link RevocationUnavailable}: fail closed, a token revoked during the outage is never let through on a guess.
 * Nothing here blocks: the Redis lookup and the list fetch complete asynchronously.
 */
public final class RevocationCheck {

    private static final Logger LOG = Logger.getLogger(RevocationCheck.class);

    /** Where a decision comes from, for health checks and metrics. */
    public enum Source {
        REDIS, LOCAL_COPY, UNAVAILABLE
    }

    private final Function<String, CompletionStage<Boolean>> redisExists;
    private final RevocationList list;
    private final long redisTimeoutMillis;
    private final long retryIntervalMillis;
    private final Clock clock;
    /** 0 while Redis answers; else when to try it again. */
    private volatile long retryRedisAt;
    private final AtomicLong fallbackDecisions = new AtomicLong();

    /** @param redisExists the service's Redis EXISTS of a key, completing with whether the key exists */
    public RevocationCheck(Function<String, CompletionStage<Boolean>> redisExists, RevocationConfig config) {
        this(redisExists, config, Clock.systemUTC());
    }

    RevocationCheck(Function<String, CompletionStage<Boolean>> redisExists, RevocationConfig config, Clock clock) {
        this.redisExists = redisExists;
        this.list = new RevocationList(config.listUri(), config.refreshInterval(), config.maxStaleness(), config.fetchTimeout(), clock);
        this.redisTimeoutMillis = config.redisTimeout().toMillis();
        this.retryIntervalMillis = config.redisRetryInterval().toMillis();
        this.clock = clock;
    }

    /** Completes with whether the jti is revoked, or fails with {@link RevocationUnavailable}. */
    public CompletionStage<Boolean> isRevoked(String jti) {
        if (!redisInUse()) {
            return fromLocalCopy(jti);
        }
        CompletableFuture<Boolean> lookup;
        try {
            lookup = redisExists.apply(RevokedTokenKeys.of(jti)).toCompletableFuture().copy();
        } catch (RuntimeException e) {
            lookup = CompletableFuture.failedFuture(e);
        }
        return lookup.orTimeout(redisTimeoutMillis, TimeUnit.MILLISECONDS)
                .thenApply(revoked -> {
                    redisAnswered();
                    return revoked;
                })
                .exceptionallyCompose(failure -> {
                    redisFailed(failure instanceof CompletionException ? failure.getCause() : failure);
                    return fromLocalCopy(jti);
                });
    }

    /**
     * False during the retry interval after a Redis failure. A caller that asks Redis about the denylist itself, in
     * a call of its own (the gateway's rate-limit script), asks only while this is true and reports the outcome
     * with {@link #redisAnswered()} or {@link #redisFailed(Throwable)}; otherwise it calls {@link #isRevoked}.
     */
    public boolean redisInUse() {
        long retryAt = retryRedisAt;
        return retryAt == 0 || clock.millis() >= retryAt;
    }

    /** Redis answered a denylist lookup. */
    public void redisAnswered() {
        if (retryRedisAt != 0) {
            retryRedisAt = 0;
            LOG.info("Redis answers again: revocation is checked in Redis again");
        }
    }

    /** A denylist lookup in Redis failed: the local copy decides for the retry interval. */
    public void redisFailed(Throwable cause) {
        if (retryRedisAt == 0) {
            LOG.warnf("Redis failed (%s): revocation is checked against the auth-service's list until it answers again",
                    String.valueOf(cause));
        }
        retryRedisAt = clock.millis() + retryIntervalMillis;
    }

    private CompletionStage<Boolean> fromLocalCopy(String jti) {
        fallbackDecisions.incrementAndGet();
        return list.contains(jti);
    }

    /** Where decisions come from now. */
    public Source source() {
        if (retryRedisAt == 0) {
            return Source.REDIS;
        }
        return list.trusted() ? Source.LOCAL_COPY : Source.UNAVAILABLE;
    }

    /** Decisions taken without Redis since start. */
    public long fallbackDecisions() {
        return fallbackDecisions.get();
    }
}
