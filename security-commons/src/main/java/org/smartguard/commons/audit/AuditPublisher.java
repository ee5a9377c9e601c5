package org.smartguard.commons.audit;

import java.util.List;

import org.hl7.fhir.r4.model.AuditEvent;

/**
 * The one way services emit audit events. When {@code publish} returns, the event is durable (in the outbox):
 * it reaches the {@code audit-events} topic even if Kafka is down now and the service restarts before Kafka
 * comes back. Publishing blocks on a local write (a database insert or an fsync): call it off the event loop.
 */
public interface AuditPublisher {

    /**
     * Stores an event made by other means than {@link AuditEventBuilder}, checked against the contract and encoded
     * by HAPI's parser.
     *
     * @throws AuditEventRejectedException when the event breaks the contract; nothing is stored then
     */
    void publish(AuditEvent event);

    /**
     * Stores the events of every valid builder of the list ({@link AuditEventBuilder#encode()}, one per patient) in
     * one write; the invalid ones are left out and reported together afterwards.
     *
     * @throws AuditEventRejectedException naming the rejected events, after the others were stored
     */
    void publishAll(List<AuditEventBuilder> events);

    /** Events stored but not yet acknowledged by Kafka. */
    long pendingEvents();
}
