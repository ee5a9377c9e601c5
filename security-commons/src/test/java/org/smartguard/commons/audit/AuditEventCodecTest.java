package org.smartguard.commons.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class AuditEventCodecTest {

    private final AuditEventCodec codec = new AuditEventCodec();

    private static AuditEvent aLogin() {
        return AuditEventBuilder.event(AuditEventType.LOGIN, "auth-service")
                .user("http://localhost:8080/auth", "alice", "Patient/p1")
                .client("demo-app", "127.0.0.1")
                .buildOne();
    }

    @Test
    void encodedEventDecodesToTheSameEvent() {
        AuditEvent event = aLogin();
        EncodedAuditEvent encoded = codec.encode(event);

        AuditEvent decoded = codec.decode(encoded.json());
        assertEquals(event.getIdElement().getIdPart(), encoded.eventId());
        assertEquals(encoded.eventId(), decoded.getIdElement().getIdPart());
        assertTrue(event.equalsDeep(decoded.setIdElement(event.getIdElement())) || encoded.json().equals(codec.encode(decoded).json()));
    }

    @Test
    void eventWithoutUuidIdIsRejectedWithTheReason() {
        AuditEvent event = aLogin();
        event.setId("not-a-uuid");

        AuditEventRejectedException error = assertThrows(AuditEventRejectedException.class, () -> codec.encode(event));
        assertEquals("audit event not-a-uuid rejected: id must be a UUID", error.getMessage());
    }

    @Test
    void eventMissingRequiredElementsNamesEachOfThem() {
        AuditEvent event = aLogin();
        event.setType(null);
        event.setRecorded(null);
        event.getAgent().forEach(agent -> agent.setRequestor(false));

        String message = assertThrows(AuditEventRejectedException.class, () -> codec.encode(event)).getMessage();
        assertTrue(message.contains("type is required"), message);
        assertTrue(message.contains("recorded is required"), message);
        assertTrue(message.contains("exactly one agent must be the requestor (found 0)"), message);
    }

    @Test
    void eventHapiCannotSerializeIsRejectedNotThrownRaw() {
        AuditEvent event = aLogin();
        // an extension without a url is not valid FHIR JSON: HAPI refuses to write it
        event.addExtension(new Extension().setValue(new StringType("x")));

        AuditEventRejectedException error = assertThrows(AuditEventRejectedException.class, () -> codec.encode(event));
        assertTrue(error.getMessage().startsWith("audit event " + event.getIdElement().getIdPart() + " cannot be serialized: "),
                error.getMessage());
    }
}
