package org.smartguard.gateway.ratelimit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.RedisServerProcess;

import io.vertx.mutiny.core.Vertx;

/**
 * Redis killed mid-test: a private redis-server this test starts, kills and restarts (the shared one is never touched).
 */
class FaultTolerantWindowTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration RETRY = Duration.ofMillis(200);
    /** Generous: on a loaded CI machine a first connection can take longer than production's timeout. */
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(3);

    private Vertx vertx;
    private RedisServerProcess redisServer;

    @BeforeEach
    void privateRedis() {
        vertx = Vertx.vertx();
        redisServer = new RedisServerProcess().start();
    }

    @AfterEach
    void stopRedis() {
        redisServer.close();
        vertx.closeAndAwait();
    }

    private FaultTolerantWindow window(boolean faultTolerant) {
        return new FaultTolerantWindow(
                new RedisSlidingWindow(SharedSlidingWindowTest.redis(vertx, SharedSlidingWindowTest.options(redisServer.uri())), REDIS_TIMEOUT),
                new LocalSlidingWindow(1000, MINUTE, System::currentTimeMillis),
                faultTolerant, RETRY, System::currentTimeMillis);
    }

    private static RateDecision admit(FaultTolerantWindow window, String key, int limit) throws Exception {
        return window.admit(key, limit, MINUTE).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Admits probe requests until one is counted in Redis, within {@code deadline}. */
    private static void awaitSharedCounting(FaultTolerantWindow window, Duration deadline) {
        await().atMost(deadline).until(() -> {
            admit(window, "test:gateway:probe:" + UUID.randomUUID(), 5);
            return window.redisAvailable();
        });
    }

    @Test
    void redisKilledMidTestLetsTrafficThroughCountingLocallyAndSharesAgainWithin5sOfItsReturn() throws Exception {
        FaultTolerantWindow window = window(true);
        // the first connection may take a while on a busy machine
        awaitSharedCounting(window, Duration.ofSeconds(20));
        String key = "test:gateway:outage:" + UUID.randomUUID();
        assertEquals(2, admit(window, key, 3).remaining());
        assertTrue(window.redisAvailable());

        long localBefore = window.localDecisions();
        redisServer.kill();

        RateDecision local = admit(window, key, 3);
        assertTrue(local.admitted(), "let through while Redis is down");
        assertFalse(window.redisAvailable());
        assertTrue(admit(window, key, 3).admitted());
        assertTrue(admit(window, key, 3).admitted());
        assertFalse(admit(window, key, 3).admitted(), "the local count still enforces the limit");
        assertEquals(4, window.localDecisions() - localBefore);

        redisServer.start();
        awaitSharedCounting(window, Duration.ofSeconds(5));
        RateDecision shared = admit(window, key, 3);
        assertTrue(shared.admitted(), "counted in Redis again (the local window for this key is full)");
        assertEquals(2, shared.remaining(), "the restarted Redis kept nothing, so its window holds this request only");
    }

    @Test
    void redisDownWithoutFaultToleranceRefusesAsUnavailable() throws Exception {
        FaultTolerantWindow window = window(false);
        redisServer.kill();

        ExecutionException failure = assertThrows(ExecutionException.class, () -> admit(window, "test:gateway:strict:" + UUID.randomUUID(), 3));
        assertInstanceOf(RateLimitStoreUnavailable.class, failure.getCause());
        assertFalse(window.redisAvailable());
        assertEquals(0, window.localDecisions());
    }
}
