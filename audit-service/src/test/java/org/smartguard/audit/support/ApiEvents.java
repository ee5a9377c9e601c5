package org.smartguard.audit.support;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.smartguard.audit.store.AuditEventStore;
import org.smartguard.audit.store.IncomingEvent;
import org.smartguard.commons.audit.AuditCodes;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.audit.EncodedAuditEvent;

/**
 * Events stored straight into the store on a topic of the test's own (as if ingested), with chosen users, patients,
 * addresses and times, for the query API's tests. {@link #forget} removes them again.
 */
public final class ApiEvents {

    private static final AuditEventCodec CODEC = new AuditEventCodec();
    private static final String ISSUER = "http://localhost:8080/auth";

    private final AuditEventStore store;
    private final StoredEvents stored;
    private final String topic = "test.api-" + UUID.randomUUID();
    private final List<EncodedAuditEvent> all = new ArrayList<>();

    public ApiEvents(AuditEventStore store, StoredEvents stored) {
        this.store = store;
        this.stored = stored;
    }

    /** A practitioner's read of one of the patient's resources. */
    public EncodedAuditEvent read(String practitioner, String patient, String address, Instant at) throws SQLException {
        return add(AuditEventBuilder.event(AuditEventType.REST_READ, "fhir-service").recorded(at)
                .user(ISSUER, practitioner + "-sub", "Practitioner/" + practitioner).client("ehr-app", address)
                .tokenId("jti-" + UUID.randomUUID()).server("http://localhost:8080/fhir")
                .patient(patient).resource("Observation/" + patient + "-obs").query("/fhir/Observation?patient=" + patient)
                .requestId("req-" + UUID.randomUUID()).userAgent("test-agent"));
    }

    /** The gateway's 403 for a client on the patient's record. */
    public EncodedAuditEvent denied(String client, String patient, String address, Instant at) throws SQLException {
        return add(AuditEventBuilder.event(AuditEventType.ACCESS_DENIED, "gateway-service").recorded(at)
                .outcome(AuditOutcome.MINOR_FAILURE, "SG-GW-403").client(client, address).patient(patient).status(403));
    }

    /** A practitioner's search that returned resources of two patients, recorded as one event naming both. */
    public EncodedAuditEvent searchOfTwo(String practitioner, String patient, String otherPatient, Instant at) throws SQLException {
        AuditEvent event = AuditEventBuilder.event(AuditEventType.REST_SEARCH, "fhir-service").recorded(at)
                .user(ISSUER, practitioner + "-sub", "Practitioner/" + practitioner).client("ehr-app", "10.9.0.1")
                .patient(patient).resource("Observation/" + otherPatient + "-obs").buildOne();
        // BALP's builder splits per patient; other producers need not, and such an event is valid
        event.addEntity().setWhat(new Reference("Patient/" + otherPatient)).setType(new Coding(AuditCodes.ENTITY_TYPE, "1", "Person"))
                .setRole(new Coding(AuditCodes.OBJECT_ROLE, "1", "Patient"));
        return add(event);
    }

    public EncodedAuditEvent add(AuditEventBuilder builder) throws SQLException {
        return add(builder.buildOne());
    }

    private EncodedAuditEvent add(AuditEvent resource) throws SQLException {
        EncodedAuditEvent event = CODEC.encode(resource);
        store.append(topic, 0, List.of(new IncomingEvent(UUID.fromString(event.eventId()),
                CODEC.decode(event.json()).getRecorded().toInstant(), event.json(), all.size())));
        all.add(event);
        return event;
    }

    public void forget() {
        stored.forget(topic);
    }
}
