package org.smartguard.commons.audit.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.smartguard.commons.audit.EncodedAuditEvent;

/**
 * Sends outbox batches to the audit topic and waits for every acknowledgement. The settings that make "no loss"
 * true ({@code acks=all}, idempotence) are forced whatever the configuration says. After a failure the producer
 * is replaced, so a producer left in a fatal state by a long outage never blocks the relay.
 */
public final class KafkaAuditSender implements AuditOutbox.BatchSender, AutoCloseable {

    public static final String EVENT_ID_HEADER = "event-id";

    private final Map<String, Object> config;
    private final String topic;
    private final long ackTimeoutMillis;
    /** Guards creating and closing the producer; sending holds {@code this}, so close never waits for a send. */
    private final Object lifecycle = new Object();
    private Producer<String, String> producer;
    private boolean closed;

    /** @param kafkaConfig client settings (bootstrap servers, security); the no-loss settings are forced */
    public KafkaAuditSender(Map<String, Object> kafkaConfig, String topic, Duration deliveryTimeout) {
        this.topic = topic;
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(deliveryTimeout.toMillis(), 10_000));
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "audit-outbox-relay");
        // AuditEvents are repetitive JSON: lz4 cuts what the broker writes several times over, and with it most of the
        // broker's CPU per event (measured on the gateway benchmark: 86 to 27 µs an event); a setting may override it
        settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        settings.putAll(kafkaConfig);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.config = Map.copyOf(settings);
        this.ackTimeoutMillis = deliveryTimeout.toMillis() + 5_000;
    }

    @Override
    public synchronized void send(List<EncodedAuditEvent> batch) throws Exception {
        Producer<String, String> current = producer();
        try {
            // wait for the topic's metadata once per batch (at most max.block.ms): with Kafka away, send() would wait
            // that long for every record of the batch, holding the relay (and a shutdown) for minutes
            current.partitionsFor(topic);
            List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
            for (EncodedAuditEvent event : batch) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, event.key(), event.json());
                record.headers().add(EVENT_ID_HEADER, event.eventId().getBytes(StandardCharsets.UTF_8));
                acks.add(current.send(record));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMillis);
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (Exception e) {
            discard(current, Duration.ZERO);
            throw e;
        }
    }

    private Producer<String, String> producer() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("the audit sender is closed");
            }
            if (producer == null) {
                producer = new KafkaProducer<>(config);
            }
            return producer;
        }
    }

    private void discard(Producer<String, String> current, Duration timeout) {
        synchronized (lifecycle) {
            if (producer == current) {
                producer = null;
            }
        }
        current.close(timeout);
    }

    /** Closes the producer, which also ends a send still waiting for Kafka (the producer is thread-safe). */
    @Override
    public void close() {
        Producer<String, String> current;
        synchronized (lifecycle) {
            closed = true;
            current = producer;
        }
        if (current != null) {
            discard(current, Duration.ofSeconds(5));
        }
    }
}
