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
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.TimeZone;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.smartguard.commons.json.JsonStrings;

/**
 * Writes the events of an {@link AuditEventBuilder} straight to JSON, byte for byte what HAPI's
 * {@code encodeResourceToString} writes for the model {@link AuditEventBuilder#build()} makes (element order, empty
 * elements left out, Jackson's escaping), without making that model: every request is audited, and building HAPI's
 * model of an event and walking it was most of what the gateway's audit writer spent and allocated per request.
 * HAPI's rules, mirrored here: a primitive is written when its text is not empty, even blank; an element holding
 * others is written only when one of them is not blank. AuditEventJsonTest compares both over thousands of events
 * with hostile values, so the two cannot drift apart.
 */
final class AuditEventJson {

    /** type, subtype and action of each event type, written once. */
    private static final Map<AuditEventType, String> HEADS = new EnumMap<>(AuditEventType.class);

    static {
        for (AuditEventType type : AuditEventType.values()) {
            StringBuilder head = new StringBuilder(",\"type\":");
            coding(head, type.type());
            head.append(",\"subtype\":[");
            coding(head, type.subtype());
            head.append("],\"action\":");
            JsonStrings.quote(head, type.action().toCode());
            HEADS.put(type, head.toString());
        }
    }

    private AuditEventJson() {
    }

    /** The event for {@code patient} (null: none), {@code first} of its request's events. */
    static String write(AuditEventBuilder event, String id, Instant recorded, String patient, boolean first) {
        StringBuilder out = new StringBuilder(1536).append("{\"resourceType\":\"AuditEvent\",\"id\":");
        JsonStrings.quote(out, id).append(HEADS.get(event.type)).append(",\"recorded\":\"");
        instant(out, recorded);
        out.append("\",\"outcome\":");
        JsonStrings.quote(out, event.outcome.code().toCode());
        primitive(out, "outcomeDesc", AuditText.clean(event.outcomeDescription));
        agents(out, event);
        out.append(",\"source\":{");
        int mark = out.length();
        if (!blank(event.observer)) {
            out.append(",\"observer\":{\"display\":");
            JsonStrings.quote(out, event.observer).append('}');
        }
        out.append(",\"type\":[");
        coding(out, SECURITY_SOURCE_TYPE, "4", "Application Server");
        out.append(']');
        close(out, mark);
        entities(out, event, patient, first);
        return out.append('}').toString();
    }

    /**
     * The Kafka key {@link AuditEventCodec#keyOf} finds in the model: the patient, else the requestor's identifier
     * value, else the observer.
     */
    static String key(AuditEventBuilder event, String patient) {
        if (patient != null) {
            return new IdType("Patient/" + AuditText.clean(patient)).getIdPart();
        }
        if (event.userSubject != null) {
            String subject = AuditText.clean(event.userSubject);
            if (!blank(AuditText.clean(event.userIssuer)) || !blank(subject)) {
                return subject;
            }
        } else if (event.clientId != null && !blank(AuditText.clean(event.clientId))) {
            return AuditText.clean(event.clientId);
        }
        return event.observer;
    }

    private static void agents(StringBuilder out, AuditEventBuilder event) {
        boolean hasUser = event.userSubject != null;
        boolean hasClient = event.clientId != null || event.clientAddress != null;
        if (!hasUser && !hasClient && event.server == null) {
            return;
        }
        out.append(",\"agent\":[");
        int mark = out.length();
        String policy = AuditText.clean(event.tokenId);
        if (hasUser) {
            agentType(out, SECURITY_ROLE_TYPE, "humanuser", "human user");
            String issuer = AuditText.clean(event.userIssuer);
            String subject = AuditText.clean(event.userSubject);
            String fhirUser = AuditText.clean(event.fhirUser);
            if (!blank(fhirUser) || !blank(issuer) || !blank(subject)) {
                out.append(",\"who\":{");
                int whoMark = out.length();
                primitive(out, "reference", fhirUser);
                identifier(out, issuer, subject);
                close(out, whoMark);
            }
            out.append(",\"requestor\":true");
            policy(out, policy);
            out.append('}');
        }
        if (hasClient) {
            agentType(out, DICOM, DCM_SOURCE_ROLE, "Source Role ID");
            String clientId = AuditText.clean(event.clientId);
            if (!blank(clientId)) {
                out.append(",\"who\":{");
                int whoMark = out.length();
                identifier(out, null, clientId);
                primitive(out, "display", clientId);
                close(out, whoMark);
            }
            out.append(",\"requestor\":").append(!hasUser);
            if (!hasUser) {
                policy(out, policy);
            }
            if (event.clientAddress != null) {
                out.append(",\"network\":{");
                int networkMark = out.length();
                primitive(out, "address", AuditText.clean(event.clientAddress));
                out.append(",\"type\":\"2\"");
                close(out, networkMark);
            }
            out.append('}');
        }
        if (event.server != null) {
            agentType(out, DICOM, DCM_DESTINATION_ROLE, "Destination Role ID");
            String server = AuditText.clean(event.server);
            if (!blank(server)) {
                out.append(",\"who\":{\"display\":");
                JsonStrings.quote(out, server).append('}');
            }
            out.append(",\"requestor\":false}");
        }
        out.deleteCharAt(mark).append(']');
    }

    /** Opens an agent (with a leading comma) with its one-coding type. */
    private static void agentType(StringBuilder out, String system, String code, String display) {
        out.append(",{\"type\":{\"coding\":[");
        coding(out, system, code, display);
        out.append("]}");
    }

    private static void entities(StringBuilder out, AuditEventBuilder event, String patient, boolean first) {
        boolean transaction = event.requestId != null || event.userAgent != null || event.status != null
                || (first && event.returned != null) || !event.returnedPerType.isEmpty();
        if (patient == null && event.resources.isEmpty() && event.query == null && !transaction) {
            return;
        }
        out.append(",\"entity\":[");
        int mark = out.length();
        if (patient != null) {
            out.append(",{\"what\":{\"reference\":");
            JsonStrings.quote(out, "Patient/" + AuditText.clean(patient)).append("},\"type\":");
            coding(out, ENTITY_TYPE, "1", "Person");
            out.append(",\"role\":");
            coding(out, OBJECT_ROLE, "1", "Patient");
            out.append('}');
        }
        for (String reference : event.resources) {
            out.append(",{\"what\":{\"reference\":");
            JsonStrings.quote(out, AuditText.clean(reference)).append("},\"type\":");
            coding(out, ENTITY_TYPE, "2", "System Object");
            out.append(",\"role\":");
            coding(out, OBJECT_ROLE, "4", "Domain Resource");
            out.append('}');
        }
        if (event.query != null) {
            out.append(",{\"type\":");
            coding(out, ENTITY_TYPE, "2", "System Object");
            out.append(",\"role\":");
            coding(out, OBJECT_ROLE, "24", "Query");
            // base64Binary, as the model stores it: the query is kept byte for byte and cannot break out of its field
            primitive(out, "query", Base64.getEncoder().encodeToString(event.query.getBytes(StandardCharsets.UTF_8)));
            out.append('}');
        }
        if (transaction) {
            out.append(",{");
            int entityMark = out.length();
            String requestId = AuditText.clean(event.requestId);
            if (!blank(requestId)) {
                out.append(",\"what\":{");
                int whatMark = out.length();
                identifier(out, null, requestId);
                close(out, whatMark);
            }
            out.append(",\"type\":");
            coding(out, BALP_ENTITY_TYPE, "XrequestId", "X-Request-Id");
            transactionDetails(out, event, first);
            close(out, entityMark);
        }
        out.deleteCharAt(mark).append(']');
    }

    private static void transactionDetails(StringBuilder out, AuditEventBuilder event, boolean first) {
        boolean returned = first && event.returned != null;
        if (event.userAgent == null && event.status == null && !returned && event.returnedPerType.isEmpty()) {
            return;
        }
        out.append(",\"detail\":[");
        int mark = out.length();
        if (event.userAgent != null) {
            detail(out, AuditEventBuilder.USER_AGENT_DETAIL, AuditText.clean(event.userAgent));
        }
        if (event.status != null) {
            detail(out, AuditEventBuilder.HTTP_STATUS_DETAIL, Integer.toString(event.status));
        }
        if (returned) {
            detail(out, AuditEventBuilder.RESULT_COUNT_DETAIL, Integer.toString(event.returned));
        }
        event.returnedPerType.forEach((type, count) ->
                detail(out, AuditEventBuilder.TYPE_COUNT_DETAIL_PREFIX + AuditText.clean(type), Long.toString(count)));
        out.deleteCharAt(mark).append(']');
    }

    private static void detail(StringBuilder out, String type, String value) {
        out.append(",{\"type\":");
        JsonStrings.quote(out, type);
        primitive(out, "valueString", value);
        out.append('}');
    }

    /** An identifier with a system and a value, written when one of them is not blank. */
    private static void identifier(StringBuilder out, String system, String value) {
        if (blank(system) && blank(value)) {
            return;
        }
        out.append(",\"identifier\":{");
        int mark = out.length();
        primitive(out, "system", system);
        primitive(out, "value", value);
        close(out, mark);
    }

    private static void policy(StringBuilder out, String jti) {
        if (jti != null && !jti.isEmpty()) {
            out.append(",\"policy\":[");
            JsonStrings.quote(out, jti).append(']');
        }
    }

    private static void coding(StringBuilder out, Coding coding) {
        coding(out, coding.getSystem(), coding.getCode(), coding.getDisplay());
    }

    /** The codings written here are the suite's own constants: never blank. */
    private static void coding(StringBuilder out, String system, String code, String display) {
        out.append("{\"system\":");
        JsonStrings.quote(out, system).append(",\"code\":");
        JsonStrings.quote(out, code).append(",\"display\":");
        JsonStrings.quote(out, display).append('}');
    }

    private static void primitive(StringBuilder out, String name, String text) {
        if (text != null && !text.isEmpty()) {
            out.append(",\"").append(name).append("\":");
            JsonStrings.quote(out, text);
        }
    }

    /**
     * An instant as HAPI writes {@code InstantType} of a {@code Date}: milliseconds, in the JVM's default time zone,
     * its offset as {@code +hh:mm} (also for UTC).
     */
    private static void instant(StringBuilder out, Instant instant) {
        long millis = instant.toEpochMilli();
        int offsetMillis = TimeZone.getDefault().getOffset(millis);
        LocalDateTime local = LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), (int) Math.floorMod(millis, 1000) * 1_000_000,
                ZoneOffset.ofTotalSeconds(offsetMillis / 1000));
        pad(out, local.getYear(), 4).append('-');
        pad(out, local.getMonthValue(), 2).append('-');
        pad(out, local.getDayOfMonth(), 2).append('T');
        pad(out, local.getHour(), 2).append(':');
        pad(out, local.getMinute(), 2).append(':');
        pad(out, local.getSecond(), 2).append('.');
        pad(out, local.getNano() / 1_000_000, 3).append(offsetMillis < 0 ? '-' : '+');
        int offsetMinutes = Math.abs(offsetMillis) / 60_000;
        pad(out, offsetMinutes / 60, 2).append(':');
        pad(out, offsetMinutes % 60, 2);
    }

    private static StringBuilder pad(StringBuilder out, int value, int digits) {
        String text = Integer.toString(value);
        for (int i = text.length(); i < digits; i++) {
            out.append('0');
        }
        return out.append(text);
    }

    /** Blank as HAPI's {@code isEmpty()} sees a primitive: null, empty or only whitespace. */
    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    /** Ends an object whose members were each written with a leading comma: the first one loses it. */
    private static void close(StringBuilder out, int mark) {
        if (out.length() > mark) {
            out.deleteCharAt(mark);
        }
        out.append('}');
    }
}
