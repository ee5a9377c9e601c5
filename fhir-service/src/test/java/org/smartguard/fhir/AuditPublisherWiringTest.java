package org.smartguard.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditPublisher;

import io.quarkus.test.junit.QuarkusTest;

/** The service's injected publisher writes to its database outbox and the relay delivers to the real broker. */
@QuarkusTest
class AuditPublisherWiringTest {

    @Inject
    AuditPublisher publisher;

    @ConfigProperty(name = "smartguard.audit.topic")
    String topic;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void injectedPublisherDeliversToTheAuditTopicKeyedByPatient() {
        String patient = "wiring-" + UUID.randomUUID();
        AuditEvent event = AuditEventBuilder.event(AuditEventType.REST_READ, "fhir-service")
                .user("http://localhost:8080/auth", "tester", null)
                .patient(patient)
                .buildOne();

        publisher.publish(event);

        ConsumerRecord<String, String> delivered = awaitRecordWithKey(patient);
        assertTrue(delivered.value().contains(event.getIdElement().getIdPart()));
        assertEquals(patient, delivered.key());
    }

    private ConsumerRecord<String, String> awaitRecordWithKey(String key) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "wiring-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no audit event keyed " + key + " reached " + topic + " within 60 s");
    }
}
