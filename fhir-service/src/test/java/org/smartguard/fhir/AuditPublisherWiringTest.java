package org.smartguard.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditPublisher;
import org.smartguard.commons.testing.AuditTopic;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The service's injected publisher writes to its database outbox and the relay delivers to the real broker. */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
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

        ConsumerRecord<String, String> delivered = AuditTopic.await(bootstrap, topic, 1, record -> patient.equals(record.key())).get(0);
        assertTrue(delivered.value().contains(event.getIdElement().getIdPart()));
        assertEquals(patient, delivered.key());
    }
}
