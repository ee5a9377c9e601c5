package org.smartguard.commons.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * For a verifier's {@code @QuarkusTest} that takes Redis away: points the service at a private
 * {@link RedisServerProcess} and at a {@link RevocationListServer} for its fallback, with short intervals
 * (refresh 1 s, max staleness 3 s, retry Redis after 1 s) so a test waits seconds, not minutes. Use it restricted to
 * the test class ({@code @QuarkusTestResource(value = RedisOutage.class, restrictToAnnotatedClass = true)}): the service
 * starts for that class alone, on the private Redis; call {@link #end()} after each test.
 */
public class RedisOutage implements QuarkusTestResourceLifecycleManager {

    public static final long MAX_STALENESS_SECONDS = 3;

    private static RedisServerProcess redis;
    private static RevocationListServer list;

    @Override
    public Map<String, String> start() {
        redis = new RedisServerProcess().start();
        list = new RevocationListServer();
        return Map.of(
                "quarkus.redis.hosts", redis.uri(),
                "smartguard.revocation.list-uri", list.uri().toString(),
                "smartguard.revocation.refresh-interval", "1s",
                "smartguard.revocation.max-staleness", MAX_STALENESS_SECONDS + "s",
                "smartguard.revocation.redis-timeout", "2s",
                "smartguard.revocation.redis-retry-interval", "1s");
    }

    /** Ends whatever outage a test left: the list answers again, and Redis, if killed, is started (empty). */
    public static void end() {
        list.available(true);
        if (!redis.listens()) {
            redis.start();
        }
    }

    public static RedisServerProcess redis() {
        return redis;
    }

    public static RevocationListServer list() {
        return list;
    }

    @Override
    public void stop() {
        if (redis != null) {
            redis.close();
        }
        if (list != null) {
            list.close();
        }
    }
}
