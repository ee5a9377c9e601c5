package org.smartguard.fhir.history;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.fhir.FhirR4;
import org.smartguard.commons.scope.Permission;
import org.smartguard.commons.urls.PublicUrls;
import org.smartguard.fhir.audit.FhirAudit;
import org.smartguard.fhir.search.SearchService;
import org.smartguard.fhir.security.AccessDecision;
import org.smartguard.fhir.security.SmartAuthorization;
import org.smartguard.fhir.security.SmartRefusal;
import org.smartguard.fhir.storage.ReadConnections;
import org.smartguard.fhir.storage.ResourceService;
import org.smartguard.fhir.storage.StoredResource;

/**
 * The history interactions (instance, type, system): every version, newest first, deletions included as DELETE
 * entries, in keyset pages on (time, resource, version) so {@code next} links stay correct while others write.
 * Type and system history are searches over versions and need the search permission ({@code s}, as SMART v2
 * defines it); the token's compartment and granular filters are SQL predicates exactly as in searches, so a page
 * never holds a version the token may not see. Instance history needs read ({@code r}) and answers 404 for a
 * resource outside the token's reach, like read.
 *
 * <p>Compartments and granular filters are those of the resource's current version: a version written before a
 * resource was moved to another patient is listed under the patient it belongs to now.
 */
@ApplicationScoped
public class HistoryService {

    private final SmartAuthorization authorization;
    private final ResourceService resources;
    private final SearchService search;
    private final FhirAudit audit;
    private final PublicUrls urls;
    private final ReadConnections connections;

    HistoryService(SmartAuthorization authorization, ResourceService resources, SearchService search, FhirAudit audit,
            PublicUrls urls, ReadConnections connections) {
        this.authorization = authorization;
        this.resources = resources;
        this.search = search;
        this.audit = audit;
        this.urls = urls;
        this.connections = connections;
    }

    /** {@code GET [type]/[id]/_history}: a bundle of type history with the total number of versions. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public String instance(String type, String id, HistoryQuery query) {
        AccessDecision access = authorization.require(type, Permission.READ);
        StoredResource stored = resources.visibleCurrent(type, id, access);
        Condition condition = new Condition("h.res_pk = ?", List.of(stored.pk));
        Page page = page(condition, query);
        audit.record(AuditEventType.REST_HISTORY, AuditOutcome.SUCCESS, "history", List.of(type + "/" + id), page.patients(),
                null, page.versions().size());
        return HistoryBundle.write(urls.fhirBase(), urls.fhirBase() + "/" + type + "/" + id + "/_history", query, page,
                count(condition, query));
    }

    /** {@code GET [type]/_history}: the versions of every resource of the type the token may search. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public String type(String type, HistoryQuery query) {
        AccessDecision access = authorization.require(type, Permission.SEARCH);
        Page page = page(typeCondition(type, access), query);
        audit.record(AuditEventType.REST_HISTORY_TYPE, AuditOutcome.SUCCESS, "history-type", List.of(), page.patients(),
                type + "/_history" + sinceQuery(query), page.versions().size());
        return HistoryBundle.write(urls.fhirBase(), urls.fhirBase() + "/" + type + "/_history", query, page, null);
    }

    /**
     * {@code GET /_history}: the versions of every type the token may search, each type with its own restrictions.
     * Types that share a decision without granular filters are grouped, so a {@code system/*.rs} token's query has no
     * type predicate at all and a {@code patient/*.rs} token's has two.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public String system(HistoryQuery query) {
        // keyed by the decision's compartment patient; the null key (no compartment) is a real key of this map
        Map<String, List<String>> unfilteredByCompartment = new LinkedHashMap<>();
        List<Condition> alternatives = new ArrayList<>();
        List<String> types = FhirR4.context().getResourceTypes().stream().sorted().toList();
        SmartRefusal firstRefusal = null;
        for (String type : types) {
            AccessDecision access;
            try {
                access = authorization.require(type, Permission.SEARCH);
            } catch (SmartRefusal refused) {
                firstRefusal = firstRefusal == null ? refused : firstRefusal;
                continue;
            }
            if (access.filters().isEmpty()) {
                unfilteredByCompartment.computeIfAbsent(access.compartmentPatient(), key -> new ArrayList<>()).add(type);
            } else {
                alternatives.add(typeCondition(type, access));
            }
        }
        if (unfilteredByCompartment.isEmpty() && alternatives.isEmpty()) {
            throw firstRefusal != null ? firstRefusal : SmartRefusal.insufficientScope("a scope permitting search");
        }
        for (Map.Entry<String, List<String>> group : unfilteredByCompartment.entrySet()) {
            String patient = group.getKey();
            List<String> predicates = new ArrayList<>();
            List<Object> binds = new ArrayList<>();
            if (group.getValue().size() < types.size()) {
                predicates.add("r.res_type IN (" + String.join(",", group.getValue().stream().map(type -> "?").toList()) + ")");
                binds.addAll(group.getValue());
            }
            predicates.add(search.accessPredicate(group.getValue().get(0), new AccessDecision(patient, List.of(), null), binds));
            alternatives.add(new Condition(predicates.isEmpty() ? "TRUE" : String.join(" AND ", predicates), binds));
        }
        Condition condition = Condition.anyOf(alternatives);
        Page page = page(condition, query);
        audit.record(AuditEventType.REST_HISTORY_SYSTEM, AuditOutcome.SUCCESS, "history-system", List.of(), page.patients(),
                "_history" + sinceQuery(query), page.versions().size());
        return HistoryBundle.write(urls.fhirBase(), urls.fhirBase() + "/_history", query, page, null);
    }

    private Condition typeCondition(String type, AccessDecision access) {
        List<String> predicates = new ArrayList<>(List.of("r.res_type = ?"));
        List<Object> binds = new ArrayList<>(List.of(type));
        predicates.add(search.accessPredicate(type, access, binds));
        return new Condition(String.join(" AND ", predicates), binds);
    }

    /** An SQL condition over {@code resource r} and {@code resource_history h}, with its bind values. */
    record Condition(String sql, List<Object> binds) {

        static Condition anyOf(List<Condition> conditions) {
            List<Object> binds = new ArrayList<>();
            conditions.forEach(condition -> binds.addAll(condition.binds()));
            return new Condition("(" + String.join(" OR ", conditions.stream().map(c -> "(" + c.sql() + ")").toList()) + ")", binds);
        }
    }

    /** One stored version as a history entry shows it. */
    record Version(String type, String id, long version, java.time.Instant lastUpdated, boolean deleted, String method, String json) {
    }

    /**
     * A page of versions, newest first; the boundaries of the pages after (older) and before (newer) it, each null when
     * there is none; and the patients whose data it holds.
     */
    record Page(List<Version> versions, HistoryQuery.Position next, HistoryQuery.Position previous, Set<String> patients) {
    }

    /**
     * One keyset page: after a position, newest first; or, for a {@code previous} link, the versions just before a
     * position, read oldest first and turned around. Either way the boundaries are versions, not offsets, so versions
     * written meanwhile never shift a page.
     */
    private Page page(Condition condition, HistoryQuery query) {
        StringBuilder sql = new StringBuilder("SELECT r.res_type, r.res_id, h.version, h.last_updated, h.deleted, h.method, h.json, h.res_pk,"
                + " ARRAY(SELECT c.patient_id FROM resource_compartment c WHERE c.res_pk = h.res_pk)"
                + " FROM resource_history h JOIN resource r ON r.pk = h.res_pk WHERE " + condition.sql());
        List<Object> binds = new ArrayList<>(condition.binds());
        filters(query, sql, binds);
        HistoryQuery.Position cursor = query.cursor();
        boolean backwards = cursor != null && cursor.before();
        if (cursor != null) {
            sql.append(backwards ? " AND (h.last_updated, h.res_pk, h.version) > (?, ?, ?)" : " AND (h.last_updated, h.res_pk, h.version) < (?, ?, ?)");
            binds.add(Timestamp.from(cursor.time()));
            binds.add(cursor.resPk());
            binds.add(cursor.version());
        }
        String direction = backwards ? "ASC" : "DESC";
        sql.append(" ORDER BY h.last_updated ").append(direction).append(", h.res_pk ").append(direction).append(", h.version ")
                .append(direction).append(" LIMIT ?");
        binds.add(query.count() + 1);
        List<Version> versions = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        List<String[]> compartments = new ArrayList<>();
        connections.run(connection -> {
            try (PreparedStatement statement = ReadConnections.plannedPerExecution(connection, sql.toString())) {
                bind(statement, binds);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        versions.add(new Version(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getTimestamp(4).toInstant(),
                                rows.getBoolean(5), rows.getString(6), rows.getString(7)));
                        keys.add(rows.getLong(8));
                        Array patients = rows.getArray(9);
                        compartments.add((String[]) patients.getArray());
                    }
                }
            }
            return null;
        });
        boolean more = versions.size() > query.count();
        if (more) {
            versions.remove(versions.size() - 1);
            keys.remove(keys.size() - 1);
            compartments.remove(compartments.size() - 1);
        }
        if (backwards) {
            Collections.reverse(versions);
            Collections.reverse(keys);
            Collections.reverse(compartments);
        }
        Set<String> patients = new LinkedHashSet<>();
        compartments.forEach(each -> patients.addAll(List.of(each)));
        if (versions.isEmpty()) {
            return new Page(versions, null, null, patients);
        }
        Version first = versions.get(0);
        Version last = versions.get(versions.size() - 1);
        // a previous page's next page is where its cursor came from; a next page's previous page is where it came from
        boolean older = backwards || more;
        boolean newer = backwards ? more : cursor != null;
        return new Page(versions,
                older ? HistoryQuery.Position.of(last.lastUpdated(), keys.get(keys.size() - 1), last.version(), false) : null,
                newer ? HistoryQuery.Position.of(first.lastUpdated(), keys.get(0), first.version(), true) : null, patients);
    }

    private long count(Condition condition, HistoryQuery query) {
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM resource_history h JOIN resource r ON r.pk = h.res_pk WHERE " + condition.sql());
        List<Object> binds = new ArrayList<>(condition.binds());
        filters(query, sql, binds);
        return connections.run(connection -> {
            try (PreparedStatement statement = ReadConnections.plannedPerExecution(connection, sql.toString())) {
                bind(statement, binds);
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    /** {@code _since} and {@code _at}; a version is current from its time until its successor's (if any). */
    private static void filters(HistoryQuery query, StringBuilder sql, List<Object> binds) {
        if (query.since() != null) {
            sql.append(" AND h.last_updated >= ?");
            binds.add(Timestamp.from(query.since()));
        }
        HistoryQuery.At at = query.at();
        if (at == null) {
            return;
        }
        String end = "COALESCE((SELECT n.last_updated FROM resource_history n WHERE n.res_pk = h.res_pk AND n.version = h.version + 1),"
                + " 'infinity'::timestamptz)";
        Timestamp low = Timestamp.from(at.low());
        Timestamp high = Timestamp.from(at.high());
        switch (at.prefix()) {
            case "lt" -> add(sql, binds, " AND h.last_updated < ?", low);
            case "le" -> add(sql, binds, " AND h.last_updated < ?", high);
            case "gt" -> add(sql, binds, " AND " + end + " > ?", high);
            case "ge" -> add(sql, binds, " AND " + end + " > ?", low);
            default -> add(sql, binds, " AND h.last_updated < ? AND " + end + " > ?", high, low);
        }
    }

    private static void add(StringBuilder sql, List<Object> binds, String predicate, Object... values) {
        sql.append(predicate);
        binds.addAll(List.of(values));
    }

    /** The filters as the audit event's query records them. */
    private static String sinceQuery(HistoryQuery query) {
        List<String> filters = new ArrayList<>();
        if (query.since() != null) {
            filters.add("_since=" + query.since());
        }
        if (query.at() != null) {
            filters.add("_at=" + query.at().value());
        }
        return filters.isEmpty() ? "" : "?" + String.join("&", filters);
    }

    private static void bind(PreparedStatement statement, List<Object> binds) throws java.sql.SQLException {
        for (int i = 0; i < binds.size(); i++) {
            statement.setObject(i + 1, binds.get(i));
        }
    }
}
