package org.smartguard.commons.audit.outbox;

import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.AuditEvent;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.audit.AuditEventRejectedException;
import org.smartguard.commons.audit.AuditPublisher;
import org.smartguard.commons.audit.EncodedAuditEvent;

/** Validates and encodes events, stores them in a durable outbox and lets the relay deliver them to Kafka. */
public final class DurableAuditPublisher implements AuditPublisher, AutoCloseable {

    private final AuditEventCodec codec = new AuditEventCodec();
    private final AuditOutbox outbox;
    private final KafkaAuditSender sender;
    private final OutboxRelay relay;

    public DurableAuditPublisher(AuditOutbox outbox, KafkaAuditSender sender, OutboxRelay.Settings settings) {
        this.outbox = outbox;
        this.sender = sender;
        this.relay = new OutboxRelay(outbox, sender, settings).start();
    }

    @Override
    public void publish(AuditEvent event) {
        outbox.append(List.of(codec.encode(event)));
        relay.wakeUp();
    }

    @Override
    public void publishAll(List<AuditEventBuilder> events) {
        List<EncodedAuditEvent> encoded = new ArrayList<>(events.size());
        List<String> rejections = new ArrayList<>();
        for (AuditEventBuilder event : events) {
            try {
                encoded.addAll(event.encode());
            } catch (AuditEventRejectedException e) {
                rejections.add(e.getMessage());
            }
        }
        outbox.append(encoded);
        relay.wakeUp();
        if (!rejections.isEmpty()) {
            throw new AuditEventRejectedException(rejections.size() + " of " + events.size()
                    + " audit events rejected, the others were stored: " + String.join(" | ", rejections));
        }
    }

    @Override
    public long pendingEvents() {
        return outbox.pendingCount();
    }

    /** Stops the relay after a last drain (bounded by the shutdown timeout), then releases the outbox. */
    @Override
    public void close() {
        relay.close();
        sender.close();
        outbox.close();
    }
}
