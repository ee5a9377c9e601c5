package org.smartguard.audit.ingest;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.Config;
import org.smartguard.audit.AuditServiceConfig;
import org.smartguard.audit.store.AuditEventStore;
import org.smartguard.commons.audit.wiring.AuditPublisherProducer;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Builds ingest consumers from the {@code kafka.*} settings and {@code smartguard.audit-service.*}. The service runs
 * one for its configured topic; tests start their own on topics of their own, so no test reads another's events.
 */
@ApplicationScoped
public class IngestConsumerFactory {

    private final AuditServiceConfig config;
    private final AuditEventStore store;
    private final MeterRegistry registry;
    private final Map<String, Object> kafkaSettings;
    /** Client ids unique in the process, so two consumers' Kafka and lag metrics never collide. */
    private final AtomicInteger consumerNumber = new AtomicInteger();

    IngestConsumerFactory(AuditServiceConfig config, AuditEventStore store, MeterRegistry registry, Config allConfig) {
        this.config = config;
        this.store = store;
        this.registry = registry;
        this.kafkaSettings = AuditPublisherProducer.kafkaSettings(allConfig);
    }

    /** Starts a consumer of {@code topic} in {@code group} that dead-letters to {@code deadLetterTopic}. */
    public AuditIngestConsumer start(String topic, String group, String deadLetterTopic) {
        Map<String, Object> settings = new HashMap<>(kafkaSettings);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        String clientId = "audit-ingest-" + group + "-" + consumerNumber.incrementAndGet();
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // offsets move only after the store committed; a new group starts at the beginning so nothing is skipped
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        // bytes, not strings: a value that is not UTF-8 must reach the dead-letter topic unchanged
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new AuditIngestConsumer(new KafkaConsumer<>(settings), topic, new AuditRecordValidator(), store,
                new DeadLetterPublisher(kafkaSettings, deadLetterTopic, clientId + "-dlq"),
                new IngestMetrics(registry, topic, clientId),
                config.pollTimeout(), config.retryBackoff()).start();
    }

    /** The consumer of the configured topic, group and dead-letter topic. */
    public AuditIngestConsumer startConfigured() {
        return start(config.topic(), config.consumerGroup(), config.deadLetterTopic());
    }
}
