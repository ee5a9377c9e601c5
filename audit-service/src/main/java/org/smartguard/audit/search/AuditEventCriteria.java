package org.smartguard.audit.search;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.smartguard.audit.access.AuditApiException;
import org.smartguard.audit.access.AuditCaller;
import org.smartguard.audit.access.AuditRole;

/**
 * What an AuditEvent search asks for, read from its parameters and checked: the search keys an event must have (see
 * {@code audit_log.event_search_keys} in the V2 migration, which defines them as {@code parameter=value}), event ids
 * and {@code recorded} bounds. Repeated parameters are ANDed, comma-separated values ORed. A patient's token is
 * narrowed to its own record. {@link AuditEventQuery} turns this into SQL.
 */
public final class AuditEventCriteria {

    /** The search parameters; anything else is refused, so a typo never silently widens a search. */
    public static final Set<String> PARAMETERS = Set.of("patient", "agent", "entity", "type", "subtype", "outcome", "date",
            "address", "_id", "_count", "_sort", "_cursor");
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Set<String> OUTCOMES = Set.of("0", "4", "8", "12");
    /** Longer values are never searchable, so the key extraction leaves them out too. */
    private static final int MAX_VALUE_LENGTH = 256;
    private static final int MAX_VALUES = 50;

    /** One bound on {@code recorded}: {@code >=} or {@code <} an instant. */
    record Bound(String operator, Instant instant) {
    }

    /** Per parameter, the keys of which an event must have at least one; an identical parameter counts once. */
    private final Set<List<String>> keyGroups = new LinkedHashSet<>();
    private final List<UUID> ids = new ArrayList<>();
    private final List<Bound> bounds = new ArrayList<>();

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
            criteria.keyGroups.add(List.of(patientKey(caller.patient())));
        }
        for (String value : parameters.getOrDefault("patient", List.of())) {
            criteria.anyOf(value, v -> {
                String id = patientId(v);
                if (patient && !id.equals(caller.patient())) {
                    throw AuditApiException.patientNotAllowed("a patient's token sees only its own record's history");
                }
                return patientKey(id);
            });
        }
        // an agent's who.reference (a user's fhirUser) and who.identifier.value (a user's subject, a client's id)
        for (String value : parameters.getOrDefault("agent", List.of())) {
            criteria.anyOf(value, v -> key("agent", v));
        }
        for (String value : parameters.getOrDefault("entity", List.of())) {
            criteria.anyOf(value, v -> key("entity", v));
        }
        for (String value : parameters.getOrDefault("type", List.of())) {
            criteria.anyOf(value, v -> key("type", token(v)));
        }
        for (String value : parameters.getOrDefault("subtype", List.of())) {
            criteria.anyOf(value, v -> key("subtype", token(v)));
        }
        for (String value : parameters.getOrDefault("outcome", List.of())) {
            criteria.anyOf(value, v -> {
                if (!OUTCOMES.contains(v)) {
                    throw AuditApiException.badParameter("outcome is one of 0, 4, 8, 12");
                }
                return key("outcome", v);
            });
        }
        for (String value : parameters.getOrDefault("address", List.of())) {
            criteria.anyOf(value, v -> key("address", v));
        }
        for (String value : parameters.getOrDefault("_id", List.of())) {
            criteria.ids.add(uuid(value));
        }
        for (String value : parameters.getOrDefault("date", List.of())) {
            criteria.date(value);
        }
        return criteria;
    }

    /** Events recorded in {@code [since, until)}: the export's range. */
    public static AuditEventCriteria recordedBetween(Instant since, Instant until) {
        AuditEventCriteria criteria = new AuditEventCriteria();
        criteria.bounds.add(new Bound(">=", since));
        criteria.bounds.add(new Bound("<", until));
        return criteria;
    }

    Set<List<String>> keyGroups() {
        return keyGroups;
    }

    List<UUID> ids() {
        return ids;
    }

    List<Bound> bounds() {
        return bounds;
    }

    private void anyOf(String value, Function<String, String> key) {
        Set<String> keys = new LinkedHashSet<>();
        for (String one : value.split(",", -1)) {
            if (one.isEmpty() || one.length() > MAX_VALUE_LENGTH) {
                throw AuditApiException.badParameter("empty or overlong search value");
            }
            keys.add(key.apply(one));
        }
        keyGroups.add(List.copyOf(keys));
    }

    private void date(String value) {
        String prefix = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(0, 2) : "eq";
        FhirDateRange range = FhirDateRange.parse(prefix.equals("eq") && !value.startsWith("eq") ? value : value.substring(2));
        switch (prefix) {
            case "eq" -> {
                bounds.add(new Bound(">=", range.start()));
                bounds.add(new Bound("<", range.end()));
            }
            case "ge" -> bounds.add(new Bound(">=", range.start()));
            case "gt" -> bounds.add(new Bound(">=", range.end()));
            case "le" -> bounds.add(new Bound("<", range.end()));
            case "lt" -> bounds.add(new Bound("<", range.start()));
            default -> throw AuditApiException.badParameter("date prefixes supported: eq, ge, gt, le, lt");
        }
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

    /** The key of the patient entity (role 1) of that record. */
    private static String patientKey(String id) {
        return key("patient", "Patient/" + id);
    }

    private static String key(String parameter, String value) {
        return parameter + "=" + value;
    }

    /** A token value, {@code code}, {@code system|code} or {@code |code} (any system), as its key's value. */
    private static String token(String token) {
        int bar = token.indexOf('|');
        String code = bar < 0 ? token : token.substring(bar + 1);
        if (code.isEmpty()) {
            throw AuditApiException.badParameter("a token needs a code");
        }
        return bar > 0 ? token.substring(0, bar) + "|" + code : code;
    }
}
