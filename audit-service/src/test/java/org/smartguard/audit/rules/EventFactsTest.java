package org.smartguard.audit.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;

/** The rules read back what the shared builder writes, through the JSON that travels on the topic. */
class EventFactsTest {

    private final AuditEventCodec codec = new AuditEventCodec();

    @Test
    void readsWhoWhatAndHowTheAnswerWentFromAnEventAsPublished() {
        Instant at = Instant.parse("2026-11-28T03:30:00Z");
        var event = AuditEventBuilder.event(AuditEventType.REST_SEARCH, "fhir-service")
                .recorded(at)
                .user("http://localhost:8080/auth", "dr-who", "Practitioner/pr-1")
                .client("ehr-app", "10.0.0.5")
                .patient("pat-9")
                .resource("Observation/o-1")
                .status(200)
                .returned(42)
                .buildOne();

        EventFacts facts = EventFacts.of(codec.encode(event).json());

        assertEquals(at.toEpochMilli(), facts.recorded());
        assertEquals("dr-who", facts.user());
        assertEquals("Practitioner/pr-1", facts.fhirUser());
        assertEquals("ehr-app", facts.client());
        assertEquals("10.0.0.5", facts.address());
        assertEquals("pat-9", facts.patient());
        assertEquals(1, facts.resources());
        assertEquals(200, facts.status());
        assertEquals(42, facts.returned());
        assertTrue(facts.success());
        assertTrue(facts.isRestRead());
        assertEquals("user:dr-who", facts.requestor());
    }

    @Test
    void aFinishedBulkExportIsOneReadOfAllItsResourcesByItsClient() {
        var completed = AuditEventBuilder.event(AuditEventType.BULK_EXPORT_COMPLETED, "fhir-service")
                .client("bulk-client", null)
                .returned(150_000)
                .returnedPerType(java.util.Map.of("Observation", 120_000L, "Patient", 30_000L))
                .buildOne();

        EventFacts facts = EventFacts.of(codec.encode(completed).json());

        // what the bulk-response and bulk-user rules read: the total, not a per-type count
        assertEquals(150_000, facts.returned());
        assertEquals("client:bulk-client", facts.requestor());
        assertTrue(facts.isRestRead());
        assertEquals("bulk-export-completed", facts.subtype());
    }

    @Test
    void aFailedLoginWithoutRequestDetailsHasNoStatusAndIsNoRead() {
        var login = AuditEventBuilder.event(AuditEventType.LOGIN, "auth-service")
                .outcome(AuditOutcome.MINOR_FAILURE, "login-failed")
                .user("http://localhost:8080/auth", "mallory", null)
                .client("ehr-app", "192.0.2.1")
                .buildOne();

        EventFacts facts = EventFacts.of(codec.encode(login).json());

        assertFalse(facts.success());
        assertFalse(facts.isRestRead());
        assertEquals("110122", facts.subtype());
        assertEquals("login-failed", facts.outcomeCode());
        assertNull(facts.status());
        assertNull(facts.returned());
    }

    @Test
    void anythingButAnAuditEventWithARecordedTimeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> EventFacts.of("not json"));
        assertThrows(IllegalArgumentException.class, () -> EventFacts.of("{\"resourceType\":\"Patient\",\"id\":\"p\"}"));
        assertThrows(IllegalArgumentException.class, () -> EventFacts.of("{\"resourceType\":\"AuditEvent\",\"id\":\"e\"}"));
    }

    @Test
    void aRecordedTimeWithAnOffsetIsTheSameInstant() {
        EventFacts facts = EventFacts.of("{\"resourceType\":\"AuditEvent\",\"recorded\":\"2026-11-28T05:30:00.250+02:00\"}");

        assertEquals(Instant.parse("2026-11-28T03:30:00.250Z").toEpochMilli(), facts.recorded());
    }
}
