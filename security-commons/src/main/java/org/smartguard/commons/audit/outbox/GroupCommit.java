package org.smartguard.commons.audit.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.smartguard.commons.audit.EncodedAuditEvent;

/**
 * Group commit for appends made outside any transaction (a read's audit event): everything queued meanwhile is
 * inserted in one statement batch and one commit. Each caller returns only after the commit that holds its events, so
 * an event is as durable when {@code append} returns as with an insert of its own, but a thousand concurrent reads
 * cost a few WAL flushes instead of a thousand. A caller that finds nobody writing writes at once on its own thread:
 * handing every event to the writer thread and back cost two thread wake-ups per read at a moderate rate. Under
 * contention the writer thread takes what is queued, and the commit wakes all its callers at once. A batch that fails
 * is retried event by event, so one bad event fails only its own caller.
 */
final class GroupCommit implements AutoCloseable {

    /**
     * What one batched write does on its connection, in auto-commit: the batch goes in one round trip and commits
     * with it. Writing an event again must be harmless (the retry after a failed batch may repeat committed ones).
     */
    @FunctionalInterface
    interface Insert {
        void insert(Connection connection, List<EncodedAuditEvent> events) throws SQLException;
    }

    private record Pending(List<EncodedAuditEvent> events, CompletableFuture<Void> committed) {
    }

    private final DataSource dataSource;
    private final Insert insert;
    private final int maxEvents;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    /** Held by whoever writes, a caller or the writer thread: one batch at a time. */
    private final ReentrantLock writing = new ReentrantLock();
    /** Released when events wait for the writer thread. */
    private final Semaphore work = new Semaphore(0);
    private final Thread writer;
    private volatile boolean closed;

    GroupCommit(DataSource dataSource, Insert insert, int maxEvents) {
        this.dataSource = dataSource;
        this.insert = insert;
        this.maxEvents = maxEvents;
        this.writer = new Thread(this::run, "audit-outbox-group-commit");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Returns once the events are committed; throws what the write threw. */
    void append(List<EncodedAuditEvent> events) {
        if (closed) {
            throw new IllegalStateException("audit outbox closed");
        }
        Pending pending = new Pending(events, new CompletableFuture<>());
        queue.add(pending);
        if (writing.tryLock()) {
            try {
                while (!pending.committed.isDone()) {
                    write(nextBatch());
                }
            } finally {
                writing.unlock();
            }
        }
        // whatever is still queued (this caller's, when another was writing, or others' queued meanwhile) is the writer's
        if (!queue.isEmpty()) {
            work.release();
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    // not abandoned on interrupt: the caller must not answer before its event is durable
                    pending.committed.get(1, TimeUnit.SECONDS);
                    return;
                } catch (TimeoutException e) {
                    if (!writer.isAlive() && queue.remove(pending)) {
                        throw new IllegalStateException("audit outbox closed");
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw (RuntimeException) e.getCause();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (!closed || !queue.isEmpty()) {
            try {
                work.acquire();
            } catch (InterruptedException e) {
                return;
            }
            work.drainPermits();
            writing.lock();
            try {
                while (!queue.isEmpty()) {
                    write(nextBatch());
                }
            } finally {
                writing.unlock();
            }
        }
    }

    private List<Pending> nextBatch() {
        List<Pending> batch = new ArrayList<>();
        int events = 0;
        Pending next;
        while ((batch.isEmpty() || events < maxEvents) && (next = queue.poll()) != null) {
            batch.add(next);
            events += next.events.size();
        }
        return batch;
    }

    private void write(List<Pending> batch) {
        try {
            commit(batch);
            batch.forEach(pending -> pending.committed.complete(null));
        } catch (RuntimeException | SQLException e) {
            if (batch.size() == 1) {
                batch.get(0).committed.completeExceptionally(failure(e));
                return;
            }
            // find the culprit: every other caller's events still go in
            for (Pending pending : batch) {
                try {
                    commit(List.of(pending));
                    pending.committed.complete(null);
                } catch (RuntimeException | SQLException single) {
                    pending.committed.completeExceptionally(failure(single));
                }
            }
        }
    }

    private void commit(List<Pending> batch) throws SQLException {
        List<EncodedAuditEvent> events = new ArrayList<>();
        batch.forEach(pending -> events.addAll(pending.events));
        try (Connection connection = dataSource.getConnection()) {
            insert.insert(connection, events);
        }
    }

    private static RuntimeException failure(Exception e) {
        return e instanceof RuntimeException runtime ? runtime
                : new IllegalStateException("audit outbox write failed: " + e.getMessage(), e);
    }

    /** Writes what is queued, then stops; later appends fail. */
    @Override
    public void close() {
        closed = true;
        work.release();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
