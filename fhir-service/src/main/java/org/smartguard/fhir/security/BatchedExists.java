package org.smartguard.fhir.security;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.smartguard.commons.vertx.PerPassBatcher;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Redis EXISTS of one key, for the revocation check of every request: the lookups an event loop makes in one pass go
 * to Redis together ({@link PerPassBatcher}), as one pipelined batch of EXISTS commands, one per key. Each key still
 * gets its own exact answer, from Redis, at that moment (nothing is cached); Redis and this service read, write and
 * wake up once per pass instead of once per request. A failed batch fails each of its lookups (the revocation
 * check then decides from its local copy). Each answer completes on its own request's Vert.x context: what follows
 * it (the request's SMART context) belongs to that request, not to the one whose context sent the batch.
 */
final class BatchedExists implements Function<String, CompletionStage<Boolean>> {

    /** At most this many keys per batch, as the gateway's rate-limit call. */
    static final int MAX_BATCH = 64;

    private final Redis redis;
    private final PerPassBatcher<Lookup> batches = new PerPassBatcher<>(MAX_BATCH, this::send);

    BatchedExists(Redis redis) {
        this.redis = redis;
    }

    @Override
    public CompletionStage<Boolean> apply(String key) {
        Lookup lookup = new Lookup(key, Vertx.currentContext(), new CompletableFuture<>());
        batches.add(lookup);
        return lookup.found();
    }

    private void send(List<Lookup> batch) {
        if (batch.size() == 1) {
            Lookup lookup = batch.get(0);
            redis.send(exists(lookup.key())).onComplete(answer -> lookup.answer(answer.succeeded() && answer.result().toInteger() > 0, answer.cause()));
            return;
        }
        List<Request> requests = new ArrayList<>(batch.size());
        batch.forEach(lookup -> requests.add(exists(lookup.key())));
        redis.batch(requests).onComplete(answers -> {
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer(answers.succeeded() && answers.result().get(i).toInteger() > 0, answers.cause());
            }
        });
    }

    private static Request exists(String key) {
        return Request.cmd(Command.EXISTS).arg(key);
    }

    /** One request's lookup; {@code context}: its Vert.x context, null off Vert.x. */
    private record Lookup(String key, Context context, CompletableFuture<Boolean> found) {

        void answer(boolean exists, Throwable failure) {
            if (context == null || context == Vertx.currentContext()) {
                settle(exists, failure);
            } else {
                context.runOnContext(ignored -> settle(exists, failure));
            }
        }

        private void settle(boolean exists, Throwable failure) {
            if (failure != null) {
                found.completeExceptionally(failure);
            } else {
                found.complete(exists);
            }
        }
    }
}
