package org.smartguard.audit.rules;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityDetailComponent;
import org.smartguard.commons.audit.AuditCodes;
import org.smartguard.commons.audit.AuditEventBuilder;

/**
 * What the rules need of one audit event, read from the places {@link AuditEventBuilder} puts them: the requesting
 * user (subject and fhirUser), the client and its address, the patient, the HTTP status the caller received and the
 * number of resources returned. Absent values are null.
 */
public record EventFacts(String eventId, long recorded, String observer, String type, String subtype, String action,
        boolean success, String outcomeCode, String user, String fhirUser, String client, String address, String patient,
        Integer status, int resources, Integer returned) {

    private static final String HUMAN_USER = "humanuser";
    private static final String PATIENT_ROLE = "1";
    private static final String DOMAIN_RESOURCE_ROLE = "4";
    private static final String REQUEST_ENTITY = "XrequestId";

    public static EventFacts of(AuditEvent event) {
        String user = null;
        String fhirUser = null;
        String client = null;
        String address = null;
        for (AuditEventAgentComponent agent : event.getAgent()) {
            String role = agent.getType().getCodingFirstRep().getCode();
            if (HUMAN_USER.equals(role)) {
                user = agent.getWho().getIdentifier().getValue();
                fhirUser = agent.getWho().getReference();
            } else if (AuditCodes.DCM_SOURCE_ROLE.equals(role)) {
                client = agent.getWho().getIdentifier().getValue();
                address = agent.getNetwork().getAddress();
            }
        }
        String patient = null;
        int resources = 0;
        Integer status = null;
        Integer returned = null;
        for (AuditEventEntityComponent entity : event.getEntity()) {
            String role = entity.getRole().getCode();
            if (PATIENT_ROLE.equals(role) && entity.getWhat().hasReference()) {
                patient = entity.getWhat().getReferenceElement().getIdPart();
            } else if (DOMAIN_RESOURCE_ROLE.equals(role)) {
                resources++;
            } else if (REQUEST_ENTITY.equals(entity.getType().getCode())) {
                for (AuditEventEntityDetailComponent detail : entity.getDetail()) {
                    if (AuditEventBuilder.HTTP_STATUS_DETAIL.equals(detail.getType())) {
                        status = number(detail);
                    } else if (AuditEventBuilder.RESULT_COUNT_DETAIL.equals(detail.getType())) {
                        returned = number(detail);
                    }
                }
            }
        }
        String outcome = event.hasOutcome() ? event.getOutcome().toCode() : null;
        return new EventFacts(event.getIdElement().getIdPart(), event.getRecorded().getTime(),
                event.getSource().getObserver().getDisplay(), event.getType().getCode(), event.getSubtypeFirstRep().getCode(),
                event.hasAction() ? event.getAction().toCode() : null, "0".equals(outcome), event.getOutcomeDesc(), user,
                fhirUser, client, address, patient, status, resources, returned);
    }

    private static Integer number(AuditEventEntityDetailComponent detail) {
        try {
            return Integer.valueOf(detail.getValueStringType().getValue());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A RESTful interaction that reads: read, vread, history, search, operation (BALP actions R and E). */
    public boolean isRestRead() {
        return "rest".equals(type) && ("R".equals(action) || "E".equals(action));
    }

    public boolean isRest() {
        return "rest".equals(type);
    }

    /** The requestor as a subject: the human user if there is one, else the client. */
    public String requestor() {
        if (user != null) {
            return "user:" + user;
        }
        return client == null ? null : "client:" + client;
    }
}
