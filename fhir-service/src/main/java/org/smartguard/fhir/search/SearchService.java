package org.smartguard.fhir.search;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.scope.Permission;
import org.smartguard.commons.scope.QueryParam;
import org.smartguard.commons.urls.PublicUrls;
import org.smartguard.fhir.audit.FhirAudit;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.security.AccessDecision;
import org.smartguard.fhir.security.SmartAuthorization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import ca.uhn.fhir.context.RuntimeSearchParam;

/**
 * Type-level search. The token's access decision becomes part of the SQL (compartment membership and granular
 * scope filters are predicates like any other), so a page is never short, a total never counts what the token
 * cannot see, and no parameter can reach around it. Pages are keyset pages on the resource's primary key, so
 * {@code next} links stay correct while others write. Bundles embed the stored JSON as is.
 */
@ApplicationScoped
public class SearchService {

    public static final int DEFAULT_COUNT = 20;
    public static final int MAX_COUNT = 1000;
    /** Parameters that steer the search rather than filter it. */
    private static final Set<String> CONTROL = Set.of("_count", "_cursor", "_total", "_summary", "_format");
    private static final JsonFactory JSON = new JsonFactory();

    private final SearchParameters parameters;
    private final SmartAuthorization authorization;
    private final FhirAudit audit;
    private final PublicUrls urls;
    private final EntityManager entityManager;

    SearchService(SearchParameters parameters, SmartAuthorization authorization, FhirAudit audit, PublicUrls urls, EntityManager entityManager) {
        this.parameters = parameters;
        this.authorization = authorization;
        this.audit = audit;
        this.urls = urls;
        this.entityManager = entityManager;
    }

    /**
     * @param query   the search parameters, each name with its values in order of appearance
     * @param lenient {@code Prefer: handling=lenient}: unknown parameters are ignored instead of refused
     */
    @Transactional
    public String search(String type, Map<String, List<String>> query, boolean lenient) {
        AccessDecision access = authorization.require(type, Permission.SEARCH);
        int count = count(query);
        long cursor = cursor(query);
        String total = single(query, "_total");
        boolean countOnly = "count".equals(single(query, "_summary"));

        Criteria criteria = criteria(type, query, lenient, access);
        List<Object> binds = criteria.binds();
        Map<String, List<String>> applied = criteria.applied();
        String where = criteria.where();
        Long matched = countOnly || "accurate".equals(total) ? countMatches(where, binds) : null;
        List<long[]> page = new ArrayList<>();
        List<String> jsons = new ArrayList<>();
        if (!countOnly) {
            fetchPage(where, binds, cursor, count + 1, page, jsons);
        }
        boolean more = page.size() > count;
        if (more) {
            page.remove(page.size() - 1);
            jsons.remove(jsons.size() - 1);
        }
        List<Long> pks = page.stream().map(row -> row[0]).toList();
        audit.record(AuditEventType.REST_SEARCH, AuditOutcome.SUCCESS, "search-type", List.of(),
                compartmentPatients(pks), type + "?" + queryString(query), jsons.size());
        return bundle(urls.fhirBase() + "/" + type, applied, count, cursor, more ? pks.get(pks.size() - 1) : null, jsons, matched);
    }

    /** The SQL condition (with binds) of a search, the token's access included, and the parameters it applied. */
    record Criteria(String where, List<Object> binds, Map<String, List<String>> applied) {
    }

    private Criteria criteria(String type, Map<String, List<String>> query, boolean lenient, AccessDecision access) {
        List<String> predicates = new ArrayList<>(List.of("r.res_type = ?", "NOT r.deleted"));
        List<Object> binds = new ArrayList<>(List.of(type));
        Map<String, List<String>> applied = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : query.entrySet()) {
            if (CONTROL.contains(entry.getKey())) {
                continue;
            }
            if (addParameter(type, entry.getKey(), entry.getValue(), predicates, binds, lenient)) {
                applied.put(entry.getKey(), entry.getValue());
            }
        }
        addAccess(type, access, predicates, binds);
        return new Criteria(String.join(" AND ", predicates), binds, applied);
    }

    /**
     * The ids of at most {@code limit} resources a conditional interaction ({@code If-None-Exist}, a conditional
     * reference) matches, within what the token may see; unknown parameters are refused.
     */
    @Transactional
    public List<String> matchingIds(String type, Map<String, List<String>> query, int limit) {
        AccessDecision access = authorization.require(type, Permission.SEARCH);
        Criteria criteria = criteria(type, query, false, access);
        List<String> ids = new ArrayList<>();
        List<Object> binds = new ArrayList<>(criteria.binds());
        binds.add(limit);
        session().doWork(connection -> {
            try (PreparedStatement statement = prepare(connection,
                    "SELECT r.res_id FROM resource r WHERE " + criteria.where() + " ORDER BY r.pk LIMIT ?", binds);
                    ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        });
        return ids;
    }

    /**
     * {@code Patient/{id}/$everything}: the patient's compartment, of every type the token may search, with each
     * type's own restrictions (granular filters) applied in the SQL, in keyset pages. Resources outside the
     * compartment that it references (practitioners, organizations) are not included.
     */
    @Transactional
    public String everything(String patientId, Map<String, List<String>> query) {
        AccessDecision patientAccess = authorization.require("Patient", Permission.READ);
        if (patientAccess.restrictedToCompartment() && !patientAccess.compartmentPatient().equals(patientId)) {
            throw FhirException.notFound("Patient", patientId);
        }
        int count = count(query);
        long cursor = cursor(query);
        List<String> perType = new ArrayList<>();
        List<Object> binds = new ArrayList<>(List.of(patientId));
        for (String type : parameters.patientCompartmentTypes()) {
            AccessDecision access;
            try {
                access = authorization.require(type, Permission.SEARCH);
            } catch (org.smartguard.fhir.security.SmartRefusal refused) {
                continue;
            }
            if (access.restrictedToCompartment() && !access.compartmentPatient().equals(patientId)) {
                continue;
            }
            List<String> predicates = new ArrayList<>(List.of("r.res_type = ?"));
            binds.add(type);
            addAccess(type, new AccessDecision(null, access.filters(), access.grantedBy()), predicates, binds);
            perType.add("(" + String.join(" AND ", predicates) + ")");
        }
        if (perType.isEmpty()) {
            throw org.smartguard.fhir.security.SmartRefusal.insufficientScope("a scope permitting search on the patient's resources");
        }
        String where = "EXISTS (SELECT 1 FROM resource_compartment c WHERE c.res_pk = r.pk AND c.patient_id = ?) AND NOT r.deleted AND ("
                + String.join(" OR ", perType) + ")";
        List<long[]> page = new ArrayList<>();
        List<String> jsons = new ArrayList<>();
        fetchPage(where, binds, cursor, count + 1, page, jsons);
        boolean more = page.size() > count;
        if (more) {
            page.remove(page.size() - 1);
            jsons.remove(jsons.size() - 1);
        }
        audit.record(AuditEventType.REST_OPERATION, AuditOutcome.SUCCESS, "everything", List.of("Patient/" + patientId),
                List.of(patientId), "Patient/" + patientId + "/$everything", jsons.size());
        Long next = more ? page.get(page.size() - 1)[0] : null;
        return bundle(urls.fhirBase() + "/Patient/" + patientId + "/$everything", Map.of(), count, cursor, next, jsons, null);
    }

    private boolean addParameter(String type, String key, List<String> occurrences, List<String> predicates, List<Object> binds, boolean lenient) {
        String name = key.contains(":") ? key.substring(0, key.indexOf(':')) : key;
        String modifier = key.contains(":") ? key.substring(key.indexOf(':') + 1) : null;
        for (String occurrence : occurrences) {
            List<String> values = List.of(occurrence.split("(?<!\\\\),"));
            if (name.equals("_id")) {
                predicates.add("r.res_id IN (" + String.join(",", values.stream().map(v -> "?").toList()) + ")");
                binds.addAll(values);
                continue;
            }
            if (name.equals("_lastUpdated")) {
                SearchPredicates.Sql sql = SearchPredicates.lastUpdated(values);
                predicates.add(sql.text());
                binds.addAll(sql.binds());
                continue;
            }
            RuntimeSearchParam param = parameters.find(type, name).orElse(null);
            if (param == null) {
                if (lenient) {
                    return false;
                }
                throw FhirException.badRequest("SG-FHIR-SEARCH-UNKNOWN", "unknown search parameter '" + name + "' for " + type
                        + " (send Prefer: handling=lenient to ignore it)");
            }
            SearchPredicates.Sql sql = SearchPredicates.of(type, param, modifier, values);
            predicates.add(sql.text());
            binds.addAll(sql.binds());
        }
        return true;
    }

    private void addAccess(String type, AccessDecision access, List<String> predicates, List<Object> binds) {
        if (access.restrictedToCompartment()) {
            predicates.add("EXISTS (SELECT 1 FROM resource_compartment c WHERE c.res_pk = r.pk AND c.patient_id = ?)");
            binds.add(access.compartmentPatient());
        }
        if (!access.filters().isEmpty()) {
            List<String> alternatives = new ArrayList<>();
            for (List<QueryParam> filter : access.filters()) {
                List<String> all = new ArrayList<>();
                for (QueryParam param : filter) {
                    RuntimeSearchParam definition = parameters.find(type, param.name())
                            .orElseThrow(() -> FhirException.badRequest("SG-FHIR-SCOPE-FILTER", "the token's scope filters on unknown parameter " + param.name()));
                    SearchPredicates.Sql sql = SearchPredicates.of(type, definition, null, List.of(param.value()));
                    all.add(sql.text());
                    binds.addAll(sql.binds());
                }
                alternatives.add("(" + String.join(" AND ", all) + ")");
            }
            predicates.add("(" + String.join(" OR ", alternatives) + ")");
        }
    }

    private Long countMatches(String where, List<Object> binds) {
        Long[] result = new Long[1];
        session().doWork(connection -> {
            try (PreparedStatement statement = prepare(connection, "SELECT count(*) FROM resource r WHERE " + where, binds);
                    ResultSet rows = statement.executeQuery()) {
                rows.next();
                result[0] = rows.getLong(1);
            }
        });
        return result[0];
    }

    private void fetchPage(String where, List<Object> binds, long cursor, int limit, List<long[]> page, List<String> jsons) {
        List<Object> all = new ArrayList<>(binds);
        all.add(cursor);
        all.add(limit);
        session().doWork(connection -> {
            try (PreparedStatement statement = prepare(connection,
                    "SELECT r.pk, r.json FROM resource r WHERE " + where + " AND r.pk > ? ORDER BY r.pk LIMIT ?", all);
                    ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    page.add(new long[] {rows.getLong(1)});
                    jsons.add(rows.getString(2));
                }
            }
        });
    }

    private List<String> compartmentPatients(List<Long> pks) {
        if (pks.isEmpty()) {
            return List.of();
        }
        Set<String> patients = new LinkedHashSet<>();
        session().doWork(connection -> {
            Array array = connection.createArrayOf("bigint", pks.toArray());
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT DISTINCT patient_id FROM resource_compartment WHERE res_pk = ANY (?)")) {
                statement.setArray(1, array);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        patients.add(rows.getString(1));
                    }
                }
            }
        });
        return List.copyOf(patients);
    }

    private String bundle(String base, Map<String, List<String>> applied, int count, long cursor, Long next,
            List<String> jsons, Long total) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("resourceType", "Bundle");
            json.writeStringField("type", "searchset");
            if (total != null) {
                json.writeNumberField("total", total);
            }
            json.writeArrayFieldStart("link");
            link(json, "self", base + "?" + queryString(applied) + "&_count=" + count + (cursor > 0 ? "&_cursor=" + cursor : ""));
            if (next != null) {
                link(json, "next", base + "?" + queryString(applied) + "&_count=" + count + "&_cursor=" + next);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("entry");
            for (String resource : jsons) {
                json.writeStartObject();
                json.writeStringField("fullUrl", urls.fhirBase() + "/" + resourceReference(resource));
                json.writeFieldName("resource");
                json.writeRawValue(resource);
                json.writeObjectFieldStart("search");
                json.writeStringField("mode", "match");
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void link(JsonGenerator json, String relation, String url) throws IOException {
        json.writeStartObject();
        json.writeStringField("relation", relation);
        json.writeStringField("url", url);
        json.writeEndObject();
    }

    /** {@code Type/id} of a stored resource: its JSON starts {"resourceType":"X","id":"..." (HAPI's order). */
    private static String resourceReference(String json) {
        int type = json.indexOf("\"resourceType\":\"") + 16;
        int id = json.indexOf("\"id\":\"") + 6;
        return json.substring(type, json.indexOf('"', type)) + "/" + json.substring(id, json.indexOf('"', id));
    }

    private static String queryString(Map<String, List<String>> query) {
        List<String> parts = new ArrayList<>();
        query.forEach((name, values) -> {
            if (!name.equals("_cursor") && !name.equals("_count")) {
                values.forEach(value -> parts.add(encode(name) + "=" + encode(value)));
            }
        });
        return String.join("&", parts);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static int count(Map<String, List<String>> query) {
        String value = single(query, "_count");
        if (value == null) {
            return DEFAULT_COUNT;
        }
        try {
            return Math.max(0, Math.min(MAX_COUNT, Integer.parseInt(value)));
        } catch (NumberFormatException e) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-COUNT", "_count must be a number");
        }
    }

    private static long cursor(Map<String, List<String>> query) {
        String value = single(query, "_cursor");
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-CURSOR", "_cursor is not a page position this server made");
        }
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    private static PreparedStatement prepare(Connection connection, String sql, List<Object> binds) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < binds.size(); i++) {
            statement.setObject(i + 1, binds.get(i));
        }
        return statement;
    }

    private Session session() {
        return entityManager.unwrap(Session.class);
    }
}
