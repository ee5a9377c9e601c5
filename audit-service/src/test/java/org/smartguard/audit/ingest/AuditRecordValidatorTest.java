package org.smartguard.audit.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.smartguard.audit.store.IncomingEvent;
import org.smartguard.audit.support.TestEvents;
import org.smartguard.commons.audit.EncodedAuditEvent;
import org.smartguard.commons.audit.outbox.KafkaAuditSender;

class AuditRecordValidatorTest {

    private final AuditRecordValidator validator = new AuditRecordValidator();
    private final EncodedAuditEvent event = TestEvents.encodedReads(1).get(0);

    @Test
    void aPublishedEventIsAcceptedAsReceived() throws InvalidAuditRecordException {
        IncomingEvent accepted = validator.validate(record(event.json(), event.eventId()));
        assertEquals(UUID.fromString(event.eventId()), accepted.eventId());
        assertEquals(event.json(), accepted.json());
        assertEquals(7, accepted.sourceOffset());
    }

    @Test
    void anEmptyValueIsRefused() {
        assertEquals("empty value", refusal(new ConsumerRecord<>("t", 0, 7, null, new byte[0])));
    }

    @Test
    void twoEventIdHeadersAreRefused() {
        ConsumerRecord<byte[], byte[]> record = record(event.json(), event.eventId());
        record.headers().add(KafkaAuditSender.EVENT_ID_HEADER, event.eventId().getBytes(StandardCharsets.UTF_8));
        assertEquals("more than one event-id header", refusal(record));
    }

    @Test
    void aNulCharacterIsRefusedBeforeItCouldBlockThePartition() {
        assertEquals("contains a NUL character", refusal(record(event.json().replace("pat-", "pat\0-"), event.eventId())));
    }

    @Test
    void anotherFhirResourceIsRefused() {
        String patient = "{\"resourceType\":\"Patient\",\"id\":\"" + event.eventId() + "\"}";
        assertTrue(refusal(record(patient, event.eventId())).startsWith("not a FHIR R4 AuditEvent"));
    }

    private String refusal(ConsumerRecord<byte[], byte[]> record) {
        return assertThrows(InvalidAuditRecordException.class, () -> validator.validate(record)).getMessage();
    }

    private static ConsumerRecord<byte[], byte[]> record(String json, String eventId) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 0, 7, null, json.getBytes(StandardCharsets.UTF_8));
        record.headers().add(KafkaAuditSender.EVENT_ID_HEADER, eventId.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
