package org.smartguard.commons.audit.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.smartguard.commons.audit.EncodedAuditEvent;

/**
 * Group commit for appends made outside any transaction (a read's audit event): callers hand their events to one
 * writer thread, which inserts everything queued meanwhile in one transaction and commits once; each caller returns
 * only after the commit that holds its events, so an event is as durable when {@code append} returns as with an
 * insert of its own, but a thousand concurrent reads cost a few WAL flushes instead of a thousand. A batch that
 * fails is retried event by event, so one bad event fails only its own caller.
 */
final class GroupCommit implements AutoCloseable {

    /** What one batched write does on its connection (auto-commit off); the writer commits. */
    @FunctionalInterface
    interface Insert {
        void insert(Connection connection, List<EncodedAuditEvent> events) throws SQLException;
    }

    private record Pending(List<EncodedAuditEvent> events, CompletableFuture<Void> committed) {
    }

    private static final Pending STOP = new Pending(List.of(), new CompletableFuture<>());

    private final DataSource dataSource;
    private final Insert insert;
    private final int maxEvents;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
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
                    throw e.getCause() instanceof RuntimeException runtime ? runtime
                            : new IllegalStateException("audit outbox write failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            Pending first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                failRest(new IllegalStateException("audit outbox writer interrupted"));
                return;
            }
            if (first == STOP) {
                return;
            }
            batch.add(first);
            int events = first.events.size();
            Pending next;
            while (events < maxEvents && (next = queue.peek()) != null && next != STOP) {
                batch.add(queue.poll());
                events += next.events.size();
            }
            write(batch);
        }
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
            connection.setAutoCommit(false);
            try {
                insert.insert(connection, events);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private static RuntimeException failure(Exception e) {
        return e instanceof RuntimeException runtime ? runtime
                : new IllegalStateException("audit outbox write failed: " + e.getMessage(), e);
    }

    private void failRest(RuntimeException e) {
        Pending pending;
        while ((pending = queue.poll()) != null) {
            pending.committed.completeExceptionally(e);
        }
    }

    /** Writes what is queued, then stops; later appends fail. */
    @Override
    public void close() {
        closed = true;
        queue.add(STOP);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failRest(new IllegalStateException("audit outbox closed"));
    }
}
