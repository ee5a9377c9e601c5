package org.smartguard.gateway.ratelimit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;

/**
 * Redis stopped mid-test: a private redis-server this test starts and stops (the shared one is never touched).
 */
class FaultTolerantWindowTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration RETRY = Duration.ofMillis(200);
    /** Generous: on a loaded CI machine a first connection can take longer than production's timeout. */
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(3);

    private Vertx vertx;
    private int port;
    private Process redisServer;

    @BeforeEach
    void privateRedis() throws IOException {
        vertx = Vertx.vertx();
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        startRedis();
    }

    @AfterEach
    void stopRedis() throws InterruptedException {
        if (redisServer != null) {
            redisServer.destroy();
            redisServer.waitFor(10, TimeUnit.SECONDS);
        }
        vertx.closeAndAwait();
    }

    private void startRedis() throws IOException {
        redisServer = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(10)).until(this::redisListens);
    }

    private boolean redisListens() {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private FaultTolerantWindow window(boolean faultTolerant) {
        return new FaultTolerantWindow(
                new RedisSlidingWindow(Redis.createClient(vertx, SharedSlidingWindowTest.options("redis://127.0.0.1:" + port)), REDIS_TIMEOUT),
                new LocalSlidingWindow(1000, MINUTE, System::currentTimeMillis),
                faultTolerant, RETRY, System::currentTimeMillis);
    }

    private static RateDecision admit(FaultTolerantWindow window, String key, int limit) throws Exception {
        return window.admit(key, limit, MINUTE).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Admits probe requests until one is counted in Redis (connecting may take a while on a busy machine). */
    private static void awaitSharedCounting(FaultTolerantWindow window) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            admit(window, "test:gateway:probe:" + UUID.randomUUID(), 5);
            return window.redisAvailable();
        });
    }

    @Test
    void redisStoppedMidTestLetsTrafficThroughCountingLocallyAndSharingAgainOnceBack() throws Exception {
        FaultTolerantWindow window = window(true);
        awaitSharedCounting(window);
        String key = "test:gateway:outage:" + UUID.randomUUID();
        assertEquals(2, admit(window, key, 3).remaining());
        assertTrue(window.redisAvailable());

        long localBefore = window.localDecisions();
        redisServer.destroy();
        redisServer.waitFor(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> !redisListens());

        RateDecision local = admit(window, key, 3);
        assertTrue(local.admitted(), "let through while Redis is down");
        assertFalse(window.redisAvailable());
        assertTrue(admit(window, key, 3).admitted());
        assertTrue(admit(window, key, 3).admitted());
        assertFalse(admit(window, key, 3).admitted(), "the local count still enforces the limit");
        assertEquals(4, window.localDecisions() - localBefore);

        startRedis();
        awaitSharedCounting(window);
        RateDecision shared = admit(window, key, 3);
        assertTrue(shared.admitted(), "counted in Redis again (the local window for this key is full)");
        assertEquals(2, shared.remaining(), "the restarted Redis kept nothing, so its window holds this request only");
    }

    @Test
    void redisDownWithoutFaultToleranceRefusesAsUnavailable() throws Exception {
        FaultTolerantWindow window = window(false);
        redisServer.destroy();
        redisServer.waitFor(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> !redisListens());

        ExecutionException failure = assertThrows(ExecutionException.class, () -> admit(window, "test:gateway:strict:" + UUID.randomUUID(), 3));
        assertInstanceOf(RateLimitStoreUnavailable.class, failure.getCause());
        assertFalse(window.redisAvailable());
        assertEquals(0, window.localDecisions());
    }
}
