package org.smartguard.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;
import org.smartguard.commons.tokens.RevokedTokenKeys;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;

/**
 * Keeps Redis' denylist a full copy of {@link RevokedAccessToken}. Every revoked, unexpired jti is written to Redis
 * at start-up, after a revocation could not reach Redis, and whenever Redis lost the copy (a restarted Redis keeps
 * nothing: a marker key, written after each full copy, is missing then). Redis is asked once per
 * {@code smartguard.auth.revocation.copy-check-interval}, so a copy follows within that of Redis answering again.
 * Rows are deleted once their token has expired.
 */
@ApplicationScoped
@Startup // created during start-up, in order, never first by a scheduler thread
public class DenylistCopy {

    private static final Logger LOG = Logger.getLogger(DenylistCopy.class);
    /** Present while Redis holds a full copy. */
    static final String COPIED_MARKER = "smartguard:revoked-jti-copied";

    private final ValueCommands<String, String> values;
    private final KeyCommands<String> keys;
    /** True until a full copy succeeds: at start-up, and after Redis missed a write or failed. */
    private volatile boolean behind = true;
    private volatile boolean redisFailing;

    DenylistCopy(RedisDataSource redis) {
        this.values = redis.value(String.class);
        this.keys = redis.key();
    }

    /** SETEX until the token would have expired (a second more, for rounding). */
    void write(String jti, Instant expiresAt) {
        Duration left = Duration.between(Instant.now(), expiresAt);
        if (!left.isNegative() && !left.isZero()) {
            values.setex(RevokedTokenKeys.of(jti), Math.max(1, left.toSeconds() + 1), "revoked");
        }
    }

    void redisMissedAWrite() {
        behind = true;
    }

    // Neither job runs before start-up has finished or during shutdown: a job that created this bean (and its Redis
    // client) while start-up was creating the Redis clients raced Quarkus' client registry (a
    // ConcurrentModificationException failed a test's start in a clean-clone run), and one running while the
    // application stopped found no EntityManagerFactory.
    @Scheduled(every = "${smartguard.auth.revocation.copy-check-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void copyWhenBehind() {
        try {
            if (!behind && keys.exists(COPIED_MARKER)) {
                return;
            }
            int copied = copyAll();
            if (redisFailing) {
                redisFailing = false;
                LOG.infof("Redis answers again: %d revoked token(s) copied back to its denylist", copied);
            }
        } catch (RuntimeException redisDown) {
            behind = true;
            if (!redisFailing) {
                redisFailing = true;
                LOG.warnf("Redis failed (%s): revocations are kept in PostgreSQL and copied to Redis once it answers", redisDown.getMessage());
            }
        }
    }

    /** Writes every unexpired revocation to Redis, then the marker. */
    int copyAll() {
        // cleared before the rows are read: a write that fails from here on sets it again and is copied next time
        behind = false;
        List<RevokedAccessToken> rows = QuarkusTransaction.requiringNew().call(() -> RevokedAccessToken.findUnexpired(Instant.now()));
        rows.forEach(row -> write(row.jti, row.expiresAt));
        values.set(COPIED_MARKER, Instant.now().toString());
        return rows.size();
    }

    @Scheduled(every = "${smartguard.auth.revocation.sweep-interval:1m}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    @Transactional
    void sweepExpired() {
        RevokedAccessToken.deleteExpired(Instant.now());
    }
}
