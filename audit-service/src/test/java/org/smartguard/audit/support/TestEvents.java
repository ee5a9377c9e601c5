package org.smartguard.audit.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.AuditEvent;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.audit.EncodedAuditEvent;

/** Valid audit events as the services publish them. */
public final class TestEvents {

    private static final AuditEventCodec CODEC = new AuditEventCodec();

    private TestEvents() {
    }

    public static AuditEvent aPatientRead(String patientId) {
        return AuditEventBuilder.event(AuditEventType.REST_READ, "fhir-service")
                .outcome(AuditOutcome.SUCCESS, null)
                .recorded(Instant.now())
                .user("http://localhost:8080/auth", "clinician-1", "Practitioner/pr-1")
                .client("test-app", "10.0.0.5")
                .server("http://localhost:8080/fhir")
                .patient(patientId)
                .resource("Patient/" + patientId)
                .buildOne();
    }

    /** {@code count} encoded reads spread over a handful of patients (so over several partitions). */
    public static List<EncodedAuditEvent> encodedReads(int count) {
        return reads(count).stream().map(CODEC::encode).toList();
    }

    /** {@code count} reads spread over a handful of patients. */
    public static List<AuditEvent> reads(int count) {
        List<AuditEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(aPatientRead("pat-" + (i % 7)));
        }
        return events;
    }
}
