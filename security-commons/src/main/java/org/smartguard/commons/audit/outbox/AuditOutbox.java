package org.smartguard.commons.audit.outbox;

import java.util.List;

import org.smartguard.commons.audit.EncodedAuditEvent;

/**
 * Durable storage of audit events between their emission and Kafka's acknowledgement. Events leave the outbox
 * only after the sender returned normally, so a crash anywhere means a resend (the consumer deduplicates by event
 * id), never a loss.
 */
public interface AuditOutbox extends AutoCloseable {

    /** Returns once the events are durable. */
    void append(List<EncodedAuditEvent> events);

    /**
     * Hands up to {@code max} of the oldest events to the sender and removes them once it returns.
     *
     * @return how many events were sent and removed
     * @throws Exception what the sender threw; the events stay in the outbox
     */
    int drain(int max, BatchSender sender) throws Exception;

    long pendingCount();

    @Override
    void close();

    /** Delivers a batch; returns only when every event of it is acknowledged. */
    @FunctionalInterface
    interface BatchSender {
        void send(List<EncodedAuditEvent> batch) throws Exception;
    }
}
