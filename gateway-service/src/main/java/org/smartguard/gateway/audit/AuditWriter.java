package org.smartguard.gateway.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditPublisher;

/**
 * Moves the gateway's audit events off the event loop into the publisher's spool. The event loop only queues what
 * an event needs (its {@link AuditEventBuilder}); the JSON is written here, on the writer's thread, not on the thread
 * that serves requests. Publishing fsyncs, and the spool
 * writes one append at a time, so one writer thread takes everything waiting (up to {@code maxBatch}) and publishes
 * it as one append: one fsync per batch, so the busier the gateway, the larger the batches (group commit). At a
 * moderate rate that alone gathers nothing (each event found the writer idle: one fsync, two thread wake-ups and a
 * relay round to Kafka per request, three times the CPU per request of a saturated gateway), so after a batch that
 * was not full the writer pauses {@code commitDelay} before taking the next: events arriving meanwhile share one
 * fsync. The request never waits for the spool, so the pause delays only when its event becomes durable; an event
 * after a quiet spell is still written at once. The queue
 * is bounded; when it is nearly full the gateway is {@link #saturated()} and refuses new requests rather than
 * serving them unaudited or growing without bound.
 */
final class AuditWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AuditWriter.class);

    private final AuditPublisher publisher;
    private final BlockingQueue<AuditEventBuilder> queue;
    private final int maxBatch;
    private final int reserve;
    private final long commitDelayNanos;
    private final AtomicLong lost = new AtomicLong();
    private final Thread writer;
    private volatile boolean closing;

    AuditWriter(AuditPublisher publisher, int capacity, int maxBatch, Duration commitDelay) {
        this.publisher = publisher;
        this.commitDelayNanos = commitDelay.toNanos();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        // room kept for the events of requests already admitted when saturation is noticed
        this.reserve = Math.max(1, capacity / 10);
        this.writer = new Thread(this::writeUntilClosed, "gateway-audit-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Queues the events of {@code events}, without blocking. */
    void offer(AuditEventBuilder events) {
        if (!queue.offer(events)) {
            lost.incrementAndGet();
            LOG.errorf("audit queue full: an audit event of the gateway was lost (%d so far)", lost.get());
        }
    }

    /** True while fewer than a tenth of the queue's places are free: new requests should be refused. */
    boolean saturated() {
        return queue.remainingCapacity() < reserve;
    }

    int waiting() {
        return queue.size();
    }

    /** Events that found the queue full (only possible when requests race past the saturation check). */
    long lost() {
        return lost.get();
    }

    private void writeUntilClosed() {
        List<AuditEventBuilder> waiting = new ArrayList<>(maxBatch);
        while (!closing || !queue.isEmpty()) {
            try {
                AuditEventBuilder first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                waiting.add(first);
                queue.drainTo(waiting, maxBatch - 1);
                publisher.publishAll(waiting);
                if (waiting.size() < maxBatch && !closing) {
                    TimeUnit.NANOSECONDS.sleep(commitDelayNanos);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "%d audit events of the gateway could not be stored", waiting.size());
            } finally {
                waiting.clear();
            }
        }
    }

    /** Writes what is queued (for at most {@code timeout}), then stops. */
    void close(Duration timeout) {
        closing = true;
        try {
            writer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!queue.isEmpty()) {
            LOG.errorf("%d audit events of the gateway were not stored at shutdown", queue.size());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
