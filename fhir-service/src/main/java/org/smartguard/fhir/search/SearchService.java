package org.smartguard.fhir.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.scope.Permission;
import org.smartguard.commons.urls.PublicUrls;
import org.smartguard.fhir.audit.FhirAudit;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.security.AccessDecision;
import org.smartguard.fhir.security.SmartAuthorization;
import org.smartguard.fhir.security.SmartRefusal;

/**
 * Type-level search and {@code $everything}. The token's access decision becomes part of the SQL (compartment
 * membership and granular scope filters are predicates like any other, for the matches and for every included,
 * chained or {@code _has} resource), so a page is never short, a total never counts what the token cannot see, and
 * no parameter can reach around it. Pages are keyset pages on (sort values, primary key), so {@code next} and
 * {@code previous} links stay correct while others write. Read-only, so no transaction of its own: alone, a search
 * runs on pooled connections and its audit event is group-committed before it answers; inside a transaction (a
 * bundle, a conditional create) it joins it and sees its earlier writes.
 */
@ApplicationScoped
public class SearchService {

    public static final int MAX_COUNT = SearchControls.MAX_COUNT;
    public static final int DEFAULT_COUNT = SearchControls.DEFAULT_COUNT;

    private final SearchParameters parameters;
    private final SmartAuthorization authorization;
    private final SearchCriteria criteria;
    private final AccessPredicates access;
    private final KeysetPager pager;
    private final IncludeResolver includes;
    private final SearchSql sql;
    private final FhirAudit audit;
    private final PublicUrls urls;

    SearchService(SearchParameters parameters, SmartAuthorization authorization, SearchCriteria criteria, AccessPredicates access,
            KeysetPager pager, IncludeResolver includes, SearchSql sql, FhirAudit audit, PublicUrls urls) {
        this.parameters = parameters;
        this.authorization = authorization;
        this.criteria = criteria;
        this.access = access;
        this.pager = pager;
        this.includes = includes;
        this.sql = sql;
        this.audit = audit;
        this.urls = urls;
    }

    /**
     * @param query   the search parameters, each name with its values in order of appearance
     * @param lenient {@code Prefer: handling=lenient}: unknown parameters are ignored instead of refused
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public String search(String type, Map<String, List<String>> query, boolean lenient) {
        AccessDecision decision = authorization.require(type, Permission.SEARCH);
        SearchControls controls = SearchControls.parse(type, query, parameters);
        SearchCriteria.Criteria matching = criteria.of(type, query, lenient, decision);
        // an estimate from planner statistics would reflect rows the token cannot see, so estimates are exact counts
        Long total = controls.countOnly() || controls.total() != SearchControls.Total.NONE ? countMatches(matching.where()) : null;
        KeysetPager.Page page = controls.countOnly() ? new KeysetPager.Page(List.of(), false, false)
                : pager.fetch(matching.where(), controls.sort(), controls.cursor(), controls.count());
        List<Long> pks = page.rows().stream().map(KeysetPager.Row::pk).toList();
        Map<Long, KeysetPager.Row> included = includes.resolve(pks, controls.includes());
        List<KeysetPager.Row> returned = new ArrayList<>(page.rows());
        returned.addAll(included.values());
        audit.record(AuditEventType.REST_SEARCH, AuditOutcome.SUCCESS, "search-type", List.of(), compartmentPatients(returned),
                type + "?" + SearchBundle.queryString(query), returned.size());
        Map<String, List<String>> repeated = new LinkedHashMap<>(matching.applied());
        repeated.putAll(controls.echoed());
        SearchBundle.Links links = new SearchBundle.Links(urls.fhirBase() + "/" + type, repeated, controls.count());
        return SearchBundle.write(urls.fhirBase(), links, controls.sort(), controls.cursor(), page,
                included.values().stream().map(KeysetPager.Row::json).toList(),
                EntryView.of(type, controls), total);
    }

    /**
     * The ids of at most {@code limit} resources a conditional interaction ({@code If-None-Exist}, a conditional
     * reference) matches, within what the token may see; unknown parameters are refused.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> matchingIds(String type, Map<String, List<String>> query, int limit) {
        AccessDecision decision = authorization.require(type, Permission.SEARCH);
        SearchPredicates.Sql where = criteria.of(type, query, false, decision).where();
        List<Object> binds = new ArrayList<>(where.binds());
        binds.add(limit);
        return sql.query("SELECT r.res_id FROM resource r WHERE " + where.text() + " ORDER BY r.pk LIMIT ?", binds, row -> row.getString(1));
    }

    /**
     * {@code Patient/{id}/$everything}: the patient's compartment, of every type the token may search, with each
     * type's own restrictions (granular filters) applied in the SQL, in keyset pages. Resources outside the
     * compartment that it references (practitioners, organizations) are not included.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public String everything(String patientId, Map<String, List<String>> query) {
        AccessDecision patientAccess = authorization.require("Patient", Permission.READ);
        if (patientAccess.restrictedToCompartment() && !patientAccess.compartmentPatient().equals(patientId)) {
            throw FhirException.notFound("Patient", patientId);
        }
        SearchControls controls = SearchControls.paging(query);
        Conditions perType = Conditions.any();
        for (String type : parameters.patientCompartmentTypes()) {
            AccessDecision decision = access.ifPermitted(type, Permission.SEARCH).orElse(null);
            if (decision == null || (decision.restrictedToCompartment() && !decision.compartmentPatient().equals(patientId))) {
                continue;
            }
            // the compartment is the requested patient's for every type: only each type's granular filters remain
            perType.add(Conditions.all().add("r.res_type = ?", type)
                    .add(access.of(type, new AccessDecision(null, decision.filters(), decision.grantedBy()), "r")).toSql());
        }
        if (perType.isEmpty()) {
            throw SmartRefusal.insufficientScope("a scope permitting search on the patient's resources");
        }
        SearchPredicates.Sql where = Conditions.all()
                .add("EXISTS (SELECT 1 FROM resource_compartment c WHERE c.res_pk = r.pk AND c.patient_id = ?)", patientId)
                .add("NOT r.deleted").add(perType.toSql()).toSql();
        KeysetPager.Page page = pager.fetch(where, SortOrder.NONE, controls.cursor(), controls.count());
        audit.record(AuditEventType.REST_OPERATION, AuditOutcome.SUCCESS, "everything", List.of("Patient/" + patientId),
                List.of(patientId), "Patient/" + patientId + "/$everything", page.rows().size());
        SearchBundle.Links links = new SearchBundle.Links(urls.fhirBase() + "/Patient/" + patientId + "/$everything", Map.of(), controls.count());
        return SearchBundle.write(urls.fhirBase(), links, SortOrder.NONE, controls.cursor(), page, List.of(), EntryView.of("Patient", controls), null);
    }

    /**
     * The token's access to {@code type} (compartment, granular filters) as an SQL predicate on the resource row
     * {@code r}, its bind values appended to {@code binds}: for queries over resources outside search (history).
     */
    public String accessPredicate(String type, AccessDecision decision, List<Object> binds) {
        SearchPredicates.Sql predicate = access.of(type, decision, "r");
        binds.addAll(predicate.binds());
        return predicate.text();
    }

    private Long countMatches(SearchPredicates.Sql where) {
        return sql.query("SELECT count(*) FROM resource r WHERE " + where.text(), where.binds(), row -> row.getLong(1)).get(0);
    }

    /** The patients whose data the rows hold, each once, in order. */
    private static List<String> compartmentPatients(List<KeysetPager.Row> rows) {
        Set<String> patients = new TreeSet<>();
        rows.forEach(row -> patients.addAll(row.compartmentPatients()));
        return List.copyOf(patients);
    }
}
