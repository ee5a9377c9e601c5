package org.smartguard.gateway.ratelimit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smartguard.gateway.redis.RedisCall;

import io.vertx.core.Future;
import io.vertx.mutiny.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** The Lua window against the real Redis, through two independent clients standing in for two gateway replicas. */
class SharedSlidingWindowTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static Vertx vertx;
    private static RedisSlidingWindow replicaA;
    private static RedisSlidingWindow replicaB;

    @BeforeAll
    static void twoReplicas() {
        vertx = Vertx.vertx();
        replicaA = new RedisSlidingWindow(redis(vertx, options("redis://127.0.0.1:6379")), Duration.ofSeconds(5));
        replicaB = new RedisSlidingWindow(redis(vertx, options("redis://127.0.0.1:6379")), Duration.ofSeconds(5));
    }

    @AfterAll
    static void close() {
        vertx.closeAndAwait();
    }

    /** A client like the gateway's (quarkus.redis.max-pool-waiting): a burst waits for a connection, never fails. */
    static RedisOptions options(String url) {
        return new RedisOptions().setConnectionString(url).setMaxPoolSize(8).setMaxPoolWaiting(2048);
    }

    /** A replica's way to send a command: its own pooled client. */
    static RedisCall redis(Vertx vertx, RedisOptions options) {
        Redis client = Redis.createClient(vertx.getDelegate(), options);
        return (request, timeoutMillis) -> client.send(request).timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private static String uniqueKey() {
        return "test:gateway:window:" + UUID.randomUUID();
    }

    private static List<RateDecision> concurrently(int requests, String key, int limit, Duration window) throws Exception {
        List<CompletableFuture<RateDecision>> calls = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            RedisSlidingWindow replica = i % 2 == 0 ? replicaA : replicaB;
            calls.add(replica.admit(key, limit, window).toCompletionStage().toCompletableFuture());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        return calls.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void twoReplicasSendingOneHundredFiftyAtOnceAdmitExactlyTheLimit() throws Exception {
        List<RateDecision> decisions = concurrently(150, uniqueKey(), 100, MINUTE);

        assertEquals(100, decisions.stream().filter(RateDecision::admitted).count());
        assertEquals(50, decisions.stream().filter(decision -> !decision.admitted()).count());
        assertTrue(decisions.stream().filter(decision -> !decision.admitted())
                .allMatch(refused -> refused.remaining() == 0 && refused.resetMillis() > 0 && refused.resetMillis() <= MINUTE.toMillis()));
    }

    @Test
    void anotherKeyIsUnaffectedByAnExhaustedOne() throws Exception {
        String exhausted = uniqueKey();
        concurrently(12, exhausted, 10, MINUTE);

        RateDecision other = replicaB.admit(uniqueKey(), 10, MINUTE).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        RateDecision again = replicaA.admit(exhausted, 10, MINUTE).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertTrue(other.admitted());
        assertEquals(9, other.remaining());
        assertFalse(again.admitted());
    }

    @Test
    void remainingCountsDownAcrossReplicas() throws Exception {
        String key = uniqueKey();
        assertEquals(2, replicaA.admit(key, 3, MINUTE).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).remaining());
        assertEquals(1, replicaB.admit(key, 3, MINUTE).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).remaining());
        assertEquals(0, replicaA.admit(key, 3, MINUTE).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).remaining());
        assertFalse(replicaB.admit(key, 3, MINUTE).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).admitted());
    }

    @Test
    void aBurstyClientThatStaysUnderTheLimitIsNeverRefused() throws Exception {
        String key = uniqueKey();
        Duration window = Duration.ofSeconds(1);
        for (int burst = 0; burst < 3; burst++) {
            List<RateDecision> decisions = concurrently(20, key, 20, window);
            assertTrue(decisions.stream().allMatch(RateDecision::admitted), "burst " + burst + " was refused in part");
            long windowOver = System.nanoTime() + window.toNanos() + TimeUnit.MILLISECONDS.toNanos(5);
            await().atMost(Duration.ofSeconds(3)).until(() -> System.nanoTime() >= windowOver);
        }
    }

    @Test
    void theSameCallRefusesARevokedTokenWithoutCountingItAndCountsAnyOther() throws Exception {
        String key = uniqueKey();
        String revokedKey = "test:gateway:revoked:" + UUID.randomUUID();
        String liveKey = "test:gateway:revoked:" + UUID.randomUUID();
        RedisCall redis = redis(vertx, options("redis://127.0.0.1:6379"));
        redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.SET).arg(revokedKey).arg("1").arg("PX").arg(60_000), 5000)
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

        ExecutionException refused = assertThrows(ExecutionException.class, () -> replicaA.admitUnlessRevoked(revokedKey, key, 3, MINUTE)
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertSame(TokenRevoked.INSTANCE, refused.getCause());
        RateDecision live = replicaB.admitUnlessRevoked(liveKey, key, 3, MINUTE).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertTrue(live.admitted());
        assertEquals(2, live.remaining(), "the revoked token's request was not counted");
    }

    /** Requests an event loop handles in one pass, as a busy gateway reads several at once. */
    private static List<RateDecision> inOnePassOfAnEventLoop(int requests, RedisSlidingWindow window, String key, int limit)
            throws Exception {
        CompletableFuture<List<Future<RateDecision>>> issued = new CompletableFuture<>();
        vertx.getDelegate().getOrCreateContext().runOnContext(ignored -> {
            List<Future<RateDecision>> decisions = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                decisions.add(window.admit(key, limit, MINUTE));
            }
            issued.complete(decisions);
        });
        List<RateDecision> decisions = new ArrayList<>();
        for (Future<RateDecision> decision : issued.get(5, TimeUnit.SECONDS)) {
            decisions.add(decision.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
        }
        return decisions;
    }

    /** Counts the script calls of a window that talks to the real Redis. */
    private static RedisSlidingWindow counting(AtomicInteger calls) {
        RedisCall redis = redis(vertx, options("redis://127.0.0.1:6379"));
        return new RedisSlidingWindow((request, timeoutMillis) -> {
            calls.incrementAndGet();
            return redis.send(request, timeoutMillis);
        }, Duration.ofSeconds(5));
    }

    @Test
    void requestsReadInOnePassShareOneScriptCallAndEachIsCountedInOrder() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        List<RateDecision> decisions = inOnePassOfAnEventLoop(8, counting(calls), uniqueKey(), 5);

        assertEquals(1, calls.get(), "one Redis call for the pass");
        assertEquals(List.of(true, true, true, true, true, false, false, false), decisions.stream().map(RateDecision::admitted).toList());
        assertEquals(List.of(4, 3, 2, 1, 0, 0, 0, 0), decisions.stream().map(RateDecision::remaining).toList());
    }

    @Test
    void aPassOfMoreRequestsThanOneCallTakesIsSplitAndStillAdmitsExactlyTheLimit() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        int requests = 2 * RedisSlidingWindow.MAX_BATCH + 22;

        List<RateDecision> decisions = inOnePassOfAnEventLoop(requests, counting(calls), uniqueKey(), 100);

        assertEquals(3, calls.get());
        assertEquals(100, decisions.stream().filter(RateDecision::admitted).count());
        // each call counts its requests in order; the calls themselves may reach Redis on different connections in
        // any order, so within each call the admitted ones come first
        for (int from = 0; from < requests; from += RedisSlidingWindow.MAX_BATCH) {
            List<Boolean> call = decisions.subList(from, Math.min(requests, from + RedisSlidingWindow.MAX_BATCH)).stream()
                    .map(RateDecision::admitted).toList();
            int firstRefused = call.indexOf(false);
            assertTrue(firstRefused == -1 || !call.subList(firstRefused, call.size()).contains(true),
                    "within one call, admitted in the order they came: " + call);
        }
    }

    @Test
    void aRevokedTokenInAPassIsRefusedAloneAndTheOthersAreCounted() throws Exception {
        String key = uniqueKey();
        String revokedKey = "test:gateway:revoked:" + UUID.randomUUID();
        redis(vertx, options("redis://127.0.0.1:6379"))
                .send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.SET).arg(revokedKey).arg("1").arg("PX").arg(60_000), 5000)
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        CompletableFuture<List<Future<RateDecision>>> issued = new CompletableFuture<>();
        vertx.getDelegate().getOrCreateContext().runOnContext(ignored -> issued.complete(List.of(
                replicaA.admit(key, 3, MINUTE),
                replicaA.admitUnlessRevoked(revokedKey, key, 3, MINUTE),
                replicaA.admitUnlessRevoked("test:gateway:revoked:" + UUID.randomUUID(), key, 3, MINUTE))));
        List<Future<RateDecision>> decisions = issued.get(5, TimeUnit.SECONDS);

        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> decisions.get(1).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertSame(TokenRevoked.INSTANCE, refused.getCause());
        assertEquals(1, decisions.get(2).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).remaining(),
                "the revoked token's request was not counted");
    }
}
