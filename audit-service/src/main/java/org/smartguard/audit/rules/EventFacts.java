package org.smartguard.audit.rules;

import java.time.OffsetDateTime;

import org.hl7.fhir.r4.model.IdType;
import org.smartguard.commons.audit.AuditCodes;
import org.smartguard.commons.audit.AuditEventBuilder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the rules need of one audit event, read from the places {@link AuditEventBuilder} puts them: the requesting
 * user (subject and fhirUser), the client and its address, the patient, the HTTP status the caller received and the
 * number of resources returned. Absent values are null.
 * <p>
 * Read from the JSON tree, not through HAPI's model: building the model cost more than everything else the rules do
 * per event (profiled: 40% of the Streams thread). Checking the event's shape is the ingest's job (it dead-letters
 * what HAPI refuses); here only JSON that is not an AuditEvent with a {@code recorded} time is refused.
 */
public record EventFacts(String eventId, long recorded, String observer, String type, String subtype, String action,
        boolean success, String outcomeCode, String user, String fhirUser, String client, String address, String patient,
        Integer status, int resources, Integer returned) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HUMAN_USER = "humanuser";
    private static final String PATIENT_ROLE = "1";
    private static final String DOMAIN_RESOURCE_ROLE = "4";
    private static final String REQUEST_ENTITY = "XrequestId";

    /** The facts of an AuditEvent as published; an IllegalArgumentException for anything else. */
    public static EventFacts of(String json) {
        JsonNode event;
        try {
            event = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        String recorded = text(event.path("recorded"));
        if (!"AuditEvent".equals(text(event.path("resourceType"))) || recorded == null) {
            throw new IllegalArgumentException("not an AuditEvent with a recorded time");
        }
        String user = null;
        String fhirUser = null;
        String client = null;
        String address = null;
        for (JsonNode agent : event.path("agent")) {
            String role = text(agent.path("type").path("coding").path(0).path("code"));
            JsonNode who = agent.path("who");
            if (HUMAN_USER.equals(role)) {
                user = text(who.path("identifier").path("value"));
                fhirUser = text(who.path("reference"));
            } else if (AuditCodes.DCM_SOURCE_ROLE.equals(role)) {
                client = text(who.path("identifier").path("value"));
                address = text(agent.path("network").path("address"));
            }
        }
        String patient = null;
        int resources = 0;
        Integer status = null;
        Integer returned = null;
        for (JsonNode entity : event.path("entity")) {
            String role = text(entity.path("role").path("code"));
            String what = text(entity.path("what").path("reference"));
            if (PATIENT_ROLE.equals(role) && what != null) {
                patient = new IdType(what).getIdPart();
            } else if (DOMAIN_RESOURCE_ROLE.equals(role)) {
                resources++;
            } else if (REQUEST_ENTITY.equals(text(entity.path("type").path("code")))) {
                for (JsonNode detail : entity.path("detail")) {
                    String detailType = text(detail.path("type"));
                    if (AuditEventBuilder.HTTP_STATUS_DETAIL.equals(detailType)) {
                        status = number(detail);
                    } else if (AuditEventBuilder.RESULT_COUNT_DETAIL.equals(detailType)) {
                        returned = number(detail);
                    }
                }
            }
        }
        String outcome = text(event.path("outcome"));
        return new EventFacts(text(event.path("id")), OffsetDateTime.parse(recorded).toInstant().toEpochMilli(),
                text(event.path("source").path("observer").path("display")), text(event.path("type").path("code")),
                text(event.path("subtype").path(0).path("code")), text(event.path("action")), "0".equals(outcome),
                text(event.path("outcomeDesc")), user, fhirUser, client, address, patient, status, resources, returned);
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : null;
    }

    private static Integer number(JsonNode detail) {
        try {
            return Integer.valueOf(text(detail.path("valueString")));
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
