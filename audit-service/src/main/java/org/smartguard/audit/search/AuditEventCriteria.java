package org.smartguard.audit.search;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.smartguard.audit.access.AuditApiException;
import org.smartguard.audit.access.AuditCaller;
import org.smartguard.audit.access.AuditRole;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The WHERE clause of an AuditEvent search, built from the search parameters with every value bound, never
 * concatenated. Element filters are JSON containment ({@code @>}) on the stored JSON, served by one GIN index on
 * {@code payload::jsonb}: the search reads exactly the text the hash chain covers, not a copy beside it. Repeated
 * parameters are ANDed, comma-separated values ORed. A patient's token is narrowed to its own record.
 */
public final class AuditEventCriteria {

    /** The search parameters; anything else is refused, so a typo never silently widens a search. */
    public static final Set<String> PARAMETERS = Set.of("patient", "agent", "entity", "type", "subtype", "outcome", "date",
            "address", "_id", "_count", "_sort", "_cursor");
    private static final String JSON = "payload::jsonb @> CAST(? AS jsonb)";
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Set<String> OUTCOMES = Set.of("0", "4", "8", "12");
    private static final int MAX_VALUE_LENGTH = 256;
    private static final int MAX_VALUES = 50;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<String> clauses = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();

    private AuditEventCriteria() {
    }

    /**
     * @param parameters the query parameters, each with its repeated values
     * @throws AuditApiException 400 for a bad value, 403 when a patient asks about another record or for addresses
     */
    public static AuditEventCriteria of(Map<String, List<String>> parameters, AuditCaller caller) {
        AuditEventCriteria criteria = new AuditEventCriteria();
        int count = 0;
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            if (!PARAMETERS.contains(parameter.getKey())) {
                throw AuditApiException.badParameter("unknown search parameter: " + FhirDateRange.shorten(parameter.getKey())
                        + " (supported: " + String.join(", ", PARAMETERS.stream().sorted().toList()) + ")");
            }
            count += parameter.getValue().size();
        }
        if (count > MAX_VALUES) {
            throw AuditApiException.badParameter("too many search values");
        }
        boolean patient = caller.role() == AuditRole.PATIENT;
        if (patient && parameters.containsKey("address")) {
            throw AuditApiException.patientNotAllowed("network addresses are for security staff only");
        }
        if (patient) {
            // the narrowing comes first and is always there; a patient's own filters can only narrow further
            criteria.json(List.of(patientEntity(caller.patient())));
        }
        for (String value : parameters.getOrDefault("patient", List.of())) {
            criteria.anyOf(value, v -> {
                String id = patientId(v);
                if (patient && !id.equals(caller.patient())) {
                    throw AuditApiException.patientNotAllowed("a patient's token sees only its own record's history");
                }
                return List.of(patientEntity(id));
            });
        }
        for (String value : parameters.getOrDefault("agent", List.of())) {
            criteria.anyOf(value, v -> List.of(agentWho("reference", v), agentIdentifier(v)));
        }
        for (String value : parameters.getOrDefault("entity", List.of())) {
            criteria.anyOf(value, v -> List.of(entityWhat(v)));
        }
        for (String value : parameters.getOrDefault("type", List.of())) {
            criteria.anyOf(value, v -> List.of(object("type", coding(v))));
        }
        for (String value : parameters.getOrDefault("subtype", List.of())) {
            criteria.anyOf(value, v -> List.of(array("subtype", coding(v))));
        }
        for (String value : parameters.getOrDefault("outcome", List.of())) {
            criteria.anyOf(value, v -> {
                if (!OUTCOMES.contains(v)) {
                    throw AuditApiException.badParameter("outcome is one of 0, 4, 8, 12");
                }
                ObjectNode node = NODES.objectNode();
                node.put("outcome", v);
                return List.of(node);
            });
        }
        for (String value : parameters.getOrDefault("address", List.of())) {
            criteria.anyOf(value, v -> {
                ObjectNode agent = NODES.objectNode();
                agent.putObject("network").put("address", v);
                return List.of(array("agent", agent));
            });
        }
        for (String value : parameters.getOrDefault("_id", List.of())) {
            criteria.clauses.add("event_id = ?");
            criteria.values.add(uuid(value));
        }
        for (String value : parameters.getOrDefault("date", List.of())) {
            criteria.date(value);
        }
        return criteria;
    }

    /** Events recorded in {@code [since, until)}: the export's range. */
    public static AuditEventCriteria recordedBetween(Instant since, Instant until) {
        AuditEventCriteria criteria = new AuditEventCriteria();
        criteria.clauses.add("recorded >= ?");
        criteria.values.add(Timestamp.from(since));
        criteria.clauses.add("recorded < ?");
        criteria.values.add(Timestamp.from(until));
        return criteria;
    }

    /** The clause, starting with {@code TRUE} so callers may append {@code AND ...}. */
    public String where() {
        StringBuilder where = new StringBuilder("TRUE");
        clauses.forEach(clause -> where.append(" AND ").append(clause));
        return where.toString();
    }

    /** Binds the values from parameter 1; returns the next free index. */
    public int bind(PreparedStatement statement) throws SQLException {
        int index = 1;
        for (Object value : values) {
            statement.setObject(index++, value);
        }
        return index;
    }

    private void anyOf(String value, Function<String, List<ObjectNode>> containments) {
        List<ObjectNode> nodes = new ArrayList<>();
        for (String one : value.split(",", -1)) {
            if (one.isEmpty() || one.length() > MAX_VALUE_LENGTH) {
                throw AuditApiException.badParameter("empty or overlong search value");
            }
            nodes.addAll(containments.apply(one));
        }
        json(nodes);
    }

    private void json(List<ObjectNode> anyOf) {
        clauses.add("(" + String.join(" OR ", anyOf.stream().map(node -> JSON).toList()) + ")");
        anyOf.forEach(node -> values.add(node.toString()));
    }

    private void date(String value) {
        String prefix = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(0, 2) : "eq";
        FhirDateRange range = FhirDateRange.parse(prefix.equals("eq") && !value.startsWith("eq") ? value : value.substring(2));
        switch (prefix) {
            case "eq" -> {
                clauses.add("recorded >= ? AND recorded < ?");
                values.add(Timestamp.from(range.start()));
                values.add(Timestamp.from(range.end()));
            }
            case "ge" -> bound("recorded >= ?", range.start());
            case "gt" -> bound("recorded >= ?", range.end());
            case "le" -> bound("recorded < ?", range.end());
            case "lt" -> bound("recorded < ?", range.start());
            default -> throw AuditApiException.badParameter("date prefixes supported: eq, ge, gt, le, lt");
        }
    }

    private void bound(String clause, Instant instant) {
        clauses.add(clause);
        values.add(Timestamp.from(instant));
    }

    private static String patientId(String value) {
        String id = value.startsWith("Patient/") ? value.substring("Patient/".length()) : value;
        if (!FHIR_ID.matcher(id).matches()) {
            throw AuditApiException.badParameter("patient is a Patient id or Patient/<id>");
        }
        return id;
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw AuditApiException.badParameter("_id is an event id (a UUID)");
        }
    }

    /** The patient entity (role 1) of that record: BALP puts exactly one in each event. */
    private static ObjectNode patientEntity(String id) {
        ObjectNode entity = NODES.objectNode();
        entity.putObject("what").put("reference", "Patient/" + id);
        entity.putObject("role").put("code", "1");
        return array("entity", entity);
    }

    private static ObjectNode entityWhat(String reference) {
        ObjectNode entity = NODES.objectNode();
        entity.putObject("what").put("reference", reference);
        return array("entity", entity);
    }

    private static ObjectNode agentWho(String field, String value) {
        ObjectNode agent = NODES.objectNode();
        agent.putObject("who").put(field, value);
        return array("agent", agent);
    }

    private static ObjectNode agentIdentifier(String value) {
        ObjectNode agent = NODES.objectNode();
        agent.putObject("who").putObject("identifier").put("value", value);
        return array("agent", agent);
    }

    /** A token value: {@code code}, {@code system|code} or {@code |code}. */
    private static ObjectNode coding(String token) {
        ObjectNode coding = NODES.objectNode();
        int bar = token.indexOf('|');
        if (bar > 0) {
            coding.put("system", token.substring(0, bar));
        }
        String code = bar < 0 ? token : token.substring(bar + 1);
        if (code.isEmpty()) {
            throw AuditApiException.badParameter("a token needs a code");
        }
        coding.put("code", code);
        return coding;
    }

    private static ObjectNode object(String field, ObjectNode value) {
        ObjectNode node = NODES.objectNode();
        node.set(field, value);
        return node;
    }

    private static ObjectNode array(String field, ObjectNode element) {
        ObjectNode node = NODES.objectNode();
        node.putArray(field).add(element);
        return node;
    }
}
