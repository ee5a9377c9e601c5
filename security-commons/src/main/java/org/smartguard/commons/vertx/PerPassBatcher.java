package org.smartguard.commons.vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Gathers the items a Vert.x event loop produces in one pass and sends them in one call: the first item of a pass
 * schedules the send on the loop, which runs it once it has handled everything its last poll returned, and the
 * items added meanwhile join it. One call to a store (Redis) per pass rather than per request: on a busy service a
 * pass holds several requests, one alone waits for nothing. At most {@code maxBatch} items go in one call. Off an
 * event loop thread (workers, tests) each item is sent alone at once. The sender answers each item itself, and runs
 * on the context of the pass's first item: an answer that needs its own request's context must be moved there.
 */
public final class PerPassBatcher<T> {

    private final int maxBatch;
    private final Consumer<List<T>> send;
    /** Per event loop: the items waiting for the send scheduled on it, or null when none is. */
    private final ThreadLocal<Gathering> gathering = ThreadLocal.withInitial(Gathering::new);

    /** @param send sends one batch (in the order the items were added) and completes each item's answer */
    public PerPassBatcher(int maxBatch, Consumer<List<T>> send) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.send = send;
    }

    public void add(T item) {
        Context context = Vertx.currentContext();
        // the thread, not the context: a worker serving an event loop's request has that loop's context as current
        if (context == null || !Context.isOnEventLoopThread()) {
            send.accept(List.of(item));
        } else {
            gathering.get().add(context, item);
        }
    }

    /** The items of one event loop waiting for their send; touched only by that loop's thread. */
    private final class Gathering {

        private List<T> open;

        void add(Context context, T item) {
            if (open == null) {
                List<T> batch = new ArrayList<>();
                open = batch;
                // a task queued now runs after the loop has handled all that its last poll returned
                context.runOnContext(ignored -> {
                    if (open == batch) {
                        open = null;
                    }
                    send.accept(batch);
                });
            }
            open.add(item);
            if (open.size() == maxBatch) {
                open = null; // sent by its scheduled task; the next item starts another
            }
        }
    }
}
