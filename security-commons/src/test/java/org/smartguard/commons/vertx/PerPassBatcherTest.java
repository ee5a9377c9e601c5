package org.smartguard.commons.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;

/** What one event-loop pass adds goes in one send, split at the maximum, in order; off a loop each item goes alone at once. */
class PerPassBatcherTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Adds the items in one task of an event loop; returns the batches once all items were sent. */
    private static List<List<Integer>> sentInOnePass(int items, int maxBatch) throws Exception {
        List<List<Integer>> sent = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> allSent = new CompletableFuture<>();
        PerPassBatcher<Integer> batcher = new PerPassBatcher<>(maxBatch, batch -> {
            sent.add(List.copyOf(batch));
            if (sent.stream().mapToInt(List::size).sum() == items) {
                allSent.complete(null);
            }
        });
        vertx.getOrCreateContext().runOnContext(ignored -> IntStream.rangeClosed(1, items).forEach(batcher::add));
        allSent.get(10, TimeUnit.SECONDS);
        return sent;
    }

    @Test
    void theItemsOfOnePassGoInOneSendInTheirOrder() throws Exception {
        assertEquals(List.of(List.of(1, 2, 3)), sentInOnePass(3, 64));
    }

    @Test
    void aPassOfMoreItemsThanTheMaximumIsSplit() throws Exception {
        assertEquals(List.of(List.of(1, 2), List.of(3, 4), List.of(5)), sentInOnePass(5, 2));
    }

    @Test
    void onAWorkerThreadOfAnEventLoopsContextEachItemIsSentAloneAtOnce() throws Exception {
        List<List<String>> sent = new CopyOnWriteArrayList<>();
        PerPassBatcher<String> batcher = new PerPassBatcher<>(64, batch -> sent.add(List.copyOf(batch)));
        CompletableFuture<Void> done = new CompletableFuture<>();

        vertx.getOrCreateContext().runOnContext(ignored -> vertx.executeBlocking(() -> {
            batcher.add("a");
            batcher.add("b");
            return null;
        }).onComplete(finished -> done.complete(null)));
        done.get(10, TimeUnit.SECONDS);

        assertEquals(List.of(List.of("a"), List.of("b")), sent);
    }

    @Test
    void offAnEventLoopEachItemIsSentAloneAtOnce() {
        List<List<String>> sent = new CopyOnWriteArrayList<>();
        PerPassBatcher<String> batcher = new PerPassBatcher<>(64, batch -> sent.add(List.copyOf(batch)));

        batcher.add("a");
        batcher.add("b");

        assertEquals(List.of(List.of("a"), List.of("b")), sent);
    }
}
