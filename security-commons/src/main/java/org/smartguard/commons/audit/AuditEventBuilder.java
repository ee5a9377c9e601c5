package org.smartguard.commons.audit;

import static org.smartguard.commons.audit.AuditCodes.BALP_ENTITY_TYPE;
import static org.smartguard.commons.audit.AuditCodes.DCM_DESTINATION_ROLE;
import static org.smartguard.commons.audit.AuditCodes.DCM_SOURCE_ROLE;
import static org.smartguard.commons.audit.AuditCodes.DICOM;
import static org.smartguard.commons.audit.AuditCodes.ENTITY_TYPE;
import static org.smartguard.commons.audit.AuditCodes.OBJECT_ROLE;
import static org.smartguard.commons.audit.AuditCodes.SECURITY_ROLE_TYPE;
import static org.smartguard.commons.audit.AuditCodes.SECURITY_SOURCE_TYPE;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Builds FHIR R4 AuditEvents shaped after IHE BALP (Basic Audit Log Patterns). BALP wants one event per
 * patient touched, so {@link #build()} returns one event per patient (or one event when no patient is
 * involved), each with its own id. Every value that may come from a request goes through
 * {@link AuditText#clean(String)}. The access token itself is never recorded, only its {@code jti}.
 */
public final class AuditEventBuilder {

    /** Details of the request (X-Request-Id) entity. */
    public static final String USER_AGENT_DETAIL = "User-Agent";
    public static final String HTTP_STATUS_DETAIL = "HTTP-Status";
    public static final String RESULT_COUNT_DETAIL = "Result-Count";
    /** Prefix of the per-resource-type counts, e.g. {@code Result-Count:Observation} (Bulk Data exports). */
    public static final String TYPE_COUNT_DETAIL_PREFIX = "Result-Count:";

    // read by AuditEventJson, which writes the events from them
    final AuditEventType type;
    final String observer;
    AuditOutcome outcome = AuditOutcome.SUCCESS;
    String outcomeDescription;
    Instant recorded;
    String userIssuer;
    String userSubject;
    String fhirUser;
    String clientId;
    String clientAddress;
    String server;
    String tokenId;
    final Set<String> patients = new LinkedHashSet<>();
    final List<String> resources = new ArrayList<>();
    String query;
    String requestId;
    String userAgent;
    Integer status;
    Integer returned;
    final Map<String, Long> returnedPerType = new TreeMap<>();

    private AuditEventBuilder(AuditEventType type, String observer) {
        this.type = Objects.requireNonNull(type, "type");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** @param observer the emitting service, recorded as {@code source.observer} */
    public static AuditEventBuilder event(AuditEventType type, String observer) {
        return new AuditEventBuilder(type, observer);
    }

    /** @param description a stable refusal code or short reason, e.g. {@code SG-403-SCOPE} */
    public AuditEventBuilder outcome(AuditOutcome outcome, String description) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.outcomeDescription = description;
        return this;
    }

    public AuditEventBuilder recorded(Instant recorded) {
        this.recorded = recorded;
        return this;
    }

    /** The human user, identified as {@code iss|sub}, with their FHIR resource ({@code fhirUser}) if known. */
    public AuditEventBuilder user(String issuer, String subject, String fhirUser) {
        this.userIssuer = issuer;
        this.userSubject = subject;
        this.fhirUser = fhirUser;
        return this;
    }

    /** The client application ({@code client_id}) and the network address it called from. */
    public AuditEventBuilder client(String clientId, String networkAddress) {
        this.clientId = clientId;
        this.clientAddress = networkAddress;
        return this;
    }

    /** The server that was called (its FHIR base or issuer URL). */
    public AuditEventBuilder server(String server) {
        this.server = server;
        return this;
    }

    /** The access token's {@code jti}, recorded as the requestor's policy. Never pass the token itself. */
    public AuditEventBuilder tokenId(String jti) {
        this.tokenId = jti;
        return this;
    }

    public AuditEventBuilder patient(String patientId) {
        if (patientId != null && !patientId.isBlank()) {
            patients.add(patientId);
        }
        return this;
    }

    public AuditEventBuilder patients(Collection<String> patientIds) {
        patientIds.forEach(this::patient);
        return this;
    }

    /** A resource read or written, as a reference such as {@code Observation/123/_history/2}. */
    public AuditEventBuilder resource(String reference) {
        if (reference != null && !reference.isBlank()) {
            resources.add(reference);
        }
        return this;
    }

    /** The search as received (path and query string). */
    public AuditEventBuilder query(String query) {
        this.query = query;
        return this;
    }

    /** The request id (X-Request-Id), recorded as the BALP transaction entity. */
    public AuditEventBuilder requestId(String requestId) {
        this.requestId = requestId;
        return this;
    }

    /** The caller's User-Agent, recorded as a detail of the request entity. */
    public AuditEventBuilder userAgent(String userAgent) {
        this.userAgent = userAgent;
        return this;
    }

    /**
     * The HTTP status the caller received, a detail of the request entity ({@value #HTTP_STATUS_DETAIL}). Set by
     * whoever answers the caller (the gateway), so the audit-service counts each 401, 403 and 429 once.
     */
    public AuditEventBuilder status(int httpStatus) {
        this.status = httpStatus;
        return this;
    }

    /**
     * How many resources the response returned, a detail of the request entity ({@value #RESULT_COUNT_DETAIL}).
     * Recorded on the first event only when the request is split per patient, so a sum over events counts each
     * response once (the audit-service's bulk-read rules).
     */
    public AuditEventBuilder returned(int resourceCount) {
        this.returned = resourceCount;
        return this;
    }

    /**
     * How many resources of each type the response or job covered, details {@code Result-Count:<type>} of the request
     * entity, on every event of a per-patient split (they describe the whole response, so rules must not sum them).
     */
    public AuditEventBuilder returnedPerType(Map<String, Long> counts) {
        returnedPerType.putAll(counts);
        return this;
    }

    /**
     * One event per patient touched, or a single event when none was, as FHIR's model: what {@link #encode()} writes.
     * The recorded time, when not set, is the first call's.
     */
    public List<AuditEvent> build() {
        return perPatient(this::buildFor);
    }

    /**
     * The events of {@link #build()} encoded for the outbox, written straight from this builder without FHIR's model
     * (the hot path: every request of every service is audited). The recorded time, when not set, is the first call's.
     *
     * @throws AuditEventRejectedException when {@link AuditEventCodec} would refuse the events: no requestor (neither
     *         a user nor a client) or a blank observer
     */
    public List<EncodedAuditEvent> encode() {
        if (userSubject == null && clientId == null && clientAddress == null) {
            throw new AuditEventRejectedException("audit event of " + AuditText.clean(observer)
                    + " rejected: exactly one agent must be the requestor (found 0)");
        }
        if (observer.isBlank()) {
            throw new AuditEventRejectedException("audit event rejected: source.observer is required");
        }
        return perPatient(this::encodeFor);
    }

    /** Makes one event of the request for one patient (null: none), the first or a later one, recorded at a time. */
    @FunctionalInterface
    private interface EventMaker<T> {
        T make(String patient, boolean first, Instant recorded);
    }

    private <T> List<T> perPatient(EventMaker<T> maker) {
        Instant at = recordedOrNow();
        if (patients.isEmpty()) {
            return List.of(maker.make(null, true, at));
        }
        List<T> events = new ArrayList<>(patients.size());
        for (String patient : patients) {
            events.add(maker.make(patient, events.isEmpty(), at));
        }
        return events;
    }

    private EncodedAuditEvent encodeFor(String patient, boolean first, Instant at) {
        String id = UUID.randomUUID().toString();
        return new EncodedAuditEvent(id, AuditEventJson.key(this, patient), AuditEventJson.write(this, id, at, patient, first));
    }

    private Instant recordedOrNow() {
        if (recorded == null) {
            recorded = Instant.now();
        }
        return recorded;
    }

    /** The single event of a request that touched at most one patient. */
    public AuditEvent buildOne() {
        if (patients.size() > 1) {
            throw new IllegalStateException("this event touches " + patients.size() + " patients: use build()");
        }
        return build().get(0);
    }

    private AuditEvent buildFor(String patient, boolean first, Instant at) {
        AuditEvent event = new AuditEvent();
        event.setId(UUID.randomUUID().toString());
        event.setType(type.type());
        event.addSubtype(type.subtype());
        event.setAction(type.action());
        event.setRecorded(Date.from(at));
        event.setOutcome(outcome.code());
        if (outcomeDescription != null) {
            event.setOutcomeDesc(AuditText.clean(outcomeDescription));
        }
        boolean hasUser = userSubject != null;
        if (hasUser) {
            event.addAgent(userAgent());
        }
        if (clientId != null || clientAddress != null) {
            event.addAgent(clientAgent(!hasUser));
        }
        if (server != null) {
            event.addAgent(serverAgent());
        }
        event.getSource()
                .setObserver(new Reference().setDisplay(observer))
                .addType(new Coding(SECURITY_SOURCE_TYPE, "4", "Application Server"));
        if (patient != null) {
            event.addEntity(patientEntity(patient));
        }
        resources.forEach(reference -> event.addEntity(resourceEntity(reference)));
        if (query != null) {
            event.addEntity(queryEntity());
        }
        if (requestId != null || userAgent != null || status != null || (first && returned != null) || !returnedPerType.isEmpty()) {
            event.addEntity(transactionEntity(first));
        }
        return event;
    }

    private AuditEventAgentComponent userAgent() {
        Reference who = new Reference()
                .setIdentifier(new Identifier().setSystem(AuditText.clean(userIssuer)).setValue(AuditText.clean(userSubject)));
        if (fhirUser != null) {
            who.setReference(AuditText.clean(fhirUser));
        }
        AuditEventAgentComponent agent = new AuditEventAgentComponent()
                .setType(concept(SECURITY_ROLE_TYPE, "humanuser", "human user"))
                .setWho(who)
                .setRequestor(true);
        addPolicy(agent);
        return agent;
    }

    private AuditEventAgentComponent clientAgent(boolean requestor) {
        AuditEventAgentComponent agent = new AuditEventAgentComponent()
                .setType(concept(DICOM, DCM_SOURCE_ROLE, "Source Role ID"))
                .setRequestor(requestor);
        if (clientId != null) {
            agent.setWho(new Reference()
                    .setIdentifier(new Identifier().setValue(AuditText.clean(clientId)))
                    .setDisplay(AuditText.clean(clientId)));
        }
        if (clientAddress != null) {
            agent.setNetwork(new AuditEventAgentNetworkComponent()
                    .setAddress(AuditText.clean(clientAddress))
                    .setType(AuditEventAgentNetworkType._2));
        }
        if (requestor) {
            addPolicy(agent);
        }
        return agent;
    }

    private AuditEventAgentComponent serverAgent() {
        return new AuditEventAgentComponent()
                .setType(concept(DICOM, DCM_DESTINATION_ROLE, "Destination Role ID"))
                .setWho(new Reference().setDisplay(AuditText.clean(server)))
                .setRequestor(false);
    }

    private void addPolicy(AuditEventAgentComponent agent) {
        if (tokenId != null) {
            agent.addPolicy(AuditText.clean(tokenId));
        }
    }

    private static AuditEventEntityComponent patientEntity(String patientId) {
        return new AuditEventEntityComponent()
                .setWhat(new Reference("Patient/" + AuditText.clean(patientId)))
                .setType(new Coding(ENTITY_TYPE, "1", "Person"))
                .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
    }

    private static AuditEventEntityComponent resourceEntity(String reference) {
        return new AuditEventEntityComponent()
                .setWhat(new Reference(AuditText.clean(reference)))
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
    }

    private AuditEventEntityComponent queryEntity() {
        // base64Binary: the query is kept byte for byte and cannot break out of its field
        return new AuditEventEntityComponent()
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "24", "Query"))
                .setQuery(query.getBytes(StandardCharsets.UTF_8));
    }

    private AuditEventEntityComponent transactionEntity(boolean first) {
        AuditEventEntityComponent entity = new AuditEventEntityComponent()
                .setType(new Coding(BALP_ENTITY_TYPE, "XrequestId", "X-Request-Id"));
        if (requestId != null) {
            entity.setWhat(new Reference().setIdentifier(new Identifier().setValue(AuditText.clean(requestId))));
        }
        if (userAgent != null) {
            entity.addDetail().setType(USER_AGENT_DETAIL).setValue(new StringType(AuditText.clean(userAgent)));
        }
        if (status != null) {
            entity.addDetail().setType(HTTP_STATUS_DETAIL).setValue(new StringType(Integer.toString(status)));
        }
        if (first && returned != null) {
            entity.addDetail().setType(RESULT_COUNT_DETAIL).setValue(new StringType(Integer.toString(returned)));
        }
        returnedPerType.forEach((type, count) -> entity.addDetail()
                .setType(TYPE_COUNT_DETAIL_PREFIX + AuditText.clean(type)).setValue(new StringType(Long.toString(count))));
        return entity;
    }

    private static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display));
    }
}
