package org.smartguard.fhir.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** The denylist lookups of one event-loop pass against the real Redis: one pipelined batch, each key its own answer. */
class BatchedExistsTest {

    private static Vertx vertx;
    private static Redis redis;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:6379"));
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String revokedKey() throws Exception {
        String key = "test:fhir:revoked:" + UUID.randomUUID();
        redis.send(Request.cmd(Command.SET).arg(key).arg("revoked").arg("PX").arg(60_000)).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        return key;
    }

    /** Looks the keys up in one task of an event loop; the answers in the keys' order. */
    private static List<Boolean> inOnePass(BatchedExists exists, List<String> keys) throws Exception {
        CompletableFuture<List<CompletableFuture<Boolean>>> issued = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(ignored -> issued.complete(keys.stream()
                .map(key -> exists.apply(key).toCompletableFuture()).toList()));
        List<CompletableFuture<Boolean>> answers = issued.get(5, TimeUnit.SECONDS);
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        return answers.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void theLookupsOfOnePassGoInOneBatchAndEachKeyGetsItsOwnAnswer() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        BatchedExists exists = new BatchedExists(new CountingBatches(redis, batches));
        String revoked = revokedKey();
        String other = "test:fhir:revoked:" + UUID.randomUUID();

        assertEquals(List.of(false, true, false, true), inOnePass(exists, List.of(other, revoked, other + "x", revoked)));
        assertEquals(1, batches.get(), "one Redis batch for the pass");
    }

    @Test
    void aPassOfMoreLookupsThanOneBatchTakesIsSplitWithEveryAnswerExact() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        BatchedExists exists = new BatchedExists(new CountingBatches(redis, batches));
        String revoked = revokedKey();
        int lookups = 2 * BatchedExists.MAX_BATCH + 5;
        List<String> keys = IntStream.range(0, lookups).mapToObj(i -> i % 7 == 0 ? revoked : "test:fhir:revoked:" + UUID.randomUUID()).toList();

        List<Boolean> answers = inOnePass(exists, keys);

        assertEquals(IntStream.range(0, lookups).mapToObj(i -> i % 7 == 0).toList(), answers);
        assertEquals(3, batches.get());
    }

    @Test
    void eachAnswerCompletesOnItsOwnRequestsContextNotOnTheContextThatSentTheBatch() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        BatchedExists exists = new BatchedExists(new CountingBatches(redis, batches));
        String revoked = revokedKey();
        CompletableFuture<List<ContextInternal>> requests = new CompletableFuture<>();
        List<CompletableFuture<Context>> answeredOn = List.of(new CompletableFuture<>(), new CompletableFuture<>());
        List<CompletableFuture<Boolean>> answers = new CopyOnWriteArrayList<>();
        ContextInternal loop = (ContextInternal) vertx.getOrCreateContext();
        loop.runOnContext(ignored -> {
            // two requests read in one pass, each on its own duplicated context, as Vert.x serves them
            List<ContextInternal> contexts = List.of(loop.duplicate(), loop.duplicate());
            for (int i = 0; i < 2; i++) {
                CompletableFuture<Context> on = answeredOn.get(i);
                String key = i == 0 ? "test:fhir:revoked:" + UUID.randomUUID() : revoked;
                contexts.get(i).dispatch(() -> answers.add(exists.apply(key).toCompletableFuture()
                        .whenComplete((found, failure) -> on.complete(Vertx.currentContext()))));
            }
            requests.complete(contexts);
        });
        List<ContextInternal> contexts = requests.get(5, TimeUnit.SECONDS);

        assertSame(contexts.get(0), answeredOn.get(0).get(10, TimeUnit.SECONDS));
        assertSame(contexts.get(1), answeredOn.get(1).get(10, TimeUnit.SECONDS));
        assertEquals(List.of(false, true), answers.stream().map(CompletableFuture::join).toList());
        assertEquals(1, batches.get());
    }

    @Test
    void aRevocationIsSeenByTheNextLookup() throws Exception {
        BatchedExists exists = new BatchedExists(redis);
        String key = "test:fhir:revoked:" + UUID.randomUUID();
        assertEquals(List.of(false), inOnePass(exists, List.of(key)));

        redis.send(Request.cmd(Command.SET).arg(key).arg("revoked").arg("PX").arg(60_000)).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);

        assertEquals(List.of(true), inOnePass(exists, List.of(key)), "nothing is cached");
    }

    @Test
    void whenRedisCannotBeReachedEveryLookupOfThePassFails() throws Exception {
        Redis unreachable = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:1"));
        try {
            BatchedExists exists = new BatchedExists(unreachable);
            CompletableFuture<List<CompletionStage<Boolean>>> issued = new CompletableFuture<>();
            vertx.getOrCreateContext().runOnContext(ignored -> issued.complete(List.of(exists.apply("a"), exists.apply("b"))));
            for (CompletionStage<Boolean> answer : issued.get(5, TimeUnit.SECONDS)) {
                assertThrows(ExecutionException.class, () -> answer.toCompletableFuture().get(10, TimeUnit.SECONDS));
            }
        } finally {
            unreachable.close();
        }
    }

    /** The real client, counting its pipelined batches. */
    private record CountingBatches(Redis redis, AtomicInteger batches) implements Redis {

        @Override
        public Future<List<Response>> batch(List<Request> commands) {
            batches.incrementAndGet();
            return redis.batch(commands);
        }

        @Override
        public Future<Response> send(Request command) {
            batches.incrementAndGet();
            return redis.send(command);
        }

        @Override
        public Future<RedisConnection> connect() {
            return redis.connect();
        }

        @Override
        public void close() {
            redis.close();
        }
    }
}
