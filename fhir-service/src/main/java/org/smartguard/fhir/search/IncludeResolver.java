package org.smartguard.fhir.search;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.scope.Permission;
import org.smartguard.fhir.security.AccessDecision;

/**
 * Resolves {@code _include} and {@code _revinclude} for one page of matches. Each included type is queried with the
 * token's access to that type as a predicate of the same SQL (read permission on the type, its patient compartment,
 * its granular filters), so an include never reaches a resource the token could not read directly. Resources the
 * token may not see are silently left out, as if the reference led nowhere: failing the whole search would make a
 * client's ordinary {@code _include} depend on scopes it may not know it lacks, and omission reveals nothing.
 */
@ApplicationScoped
class IncludeResolver {

    /** At most this many resources are included per page, and {@code :iterate} goes at most this deep. */
    static final int MAX_INCLUDED = 1000;
    static final int MAX_DEPTH = 3;

    private final SearchSql sql;
    private final AccessPredicates access;
    private final SearchParameters parameters;

    IncludeResolver(SearchSql sql, AccessPredicates access, SearchParameters parameters) {
        this.sql = sql;
        this.access = access;
        this.parameters = parameters;
    }

    /** @return the included resources by primary key, in the order found, without the matches themselves */
    Map<Long, KeysetPager.Row> resolve(List<Long> matches, List<IncludeSpec> specs) {
        Map<Long, KeysetPager.Row> included = new LinkedHashMap<>();
        if (specs.isEmpty() || matches.isEmpty()) {
            return included;
        }
        Set<Long> seen = new HashSet<>(matches);
        List<Long> from = matches;
        for (int depth = 0; depth < MAX_DEPTH && !from.isEmpty(); depth++) {
            List<Long> found = new ArrayList<>();
            for (IncludeSpec spec : specs) {
                if (depth > 0 && !spec.iterate()) {
                    continue;
                }
                List<KeysetPager.Row> rows = spec.reverse() ? referring(spec, from, MAX_INCLUDED - included.size())
                        : referred(spec, from, MAX_INCLUDED - included.size());
                for (KeysetPager.Row row : rows) {
                    if (seen.add(row.pk()) && included.size() < MAX_INCLUDED) {
                        included.put(row.pk(), row);
                        found.add(row.pk());
                    }
                }
            }
            from = found;
        }
        return included;
    }

    /** {@code _include}: what the sources refer to, type by type, each type under the token's access to it. */
    private List<KeysetPager.Row> referred(IncludeSpec spec, List<Long> sources, int limit) {
        SearchSql.ArrayBind sourcePks = new SearchSql.ArrayBind("bigint", sources);
        SearchSql.ArrayBind names = new SearchSql.ArrayBind("varchar", spec.references());
        List<String> targetTypes = sql.query("SELECT DISTINCT i.target_type FROM sp_reference i WHERE i.res_pk = ANY (?) AND i.res_type = ?"
                + " AND i.name = ANY (?) AND i.target_type IS NOT NULL", List.of(sourcePks, spec.source(), names), row -> row.getString(1));
        List<KeysetPager.Row> rows = new ArrayList<>();
        for (String type : targetTypes) {
            if (rows.size() >= limit || !parameters.isResourceType(type) || (spec.target() != null && !spec.target().equals(type))) {
                continue;
            }
            Optional<AccessDecision> decision = access.ifPermitted(type, Permission.READ);
            if (decision.isEmpty()) {
                continue;
            }
            SearchPredicates.Sql visible = access.of(type, decision.get(), "r");
            List<Object> binds = new ArrayList<>(List.of(type, sourcePks, spec.source(), names, type));
            binds.addAll(visible.binds());
            binds.add(limit - rows.size());
            rows.addAll(sql.query("SELECT r.pk, r.json, " + KeysetPager.Row.compartmentsOf("r") + " FROM resource r WHERE r.res_type = ? AND NOT r.deleted AND r.res_id IN"
                    + " (SELECT i.target_id FROM sp_reference i WHERE i.res_pk = ANY (?) AND i.res_type = ? AND i.name = ANY (?)"
                    + " AND i.target_type = ?) AND " + visible.text() + " ORDER BY r.pk LIMIT ?", binds, IncludeResolver::row));
        }
        return rows;
    }

    /** {@code _revinclude}: the source-type resources that refer to the given ones, under the token's access to that type. */
    private List<KeysetPager.Row> referring(IncludeSpec spec, List<Long> targets, int limit) {
        Optional<AccessDecision> decision = access.ifPermitted(spec.source(), Permission.READ);
        if (decision.isEmpty() || limit <= 0) {
            return List.of();
        }
        SearchPredicates.Sql visible = access.of(spec.source(), decision.get(), "r");
        List<Object> binds = new ArrayList<>(List.of(spec.source(), new SearchSql.ArrayBind("bigint", targets), spec.source(),
                new SearchSql.ArrayBind("varchar", spec.references())));
        String targetType = "";
        if (spec.target() != null) {
            targetType = " AND m.res_type = ?";
            binds.add(spec.target());
        }
        binds.addAll(visible.binds());
        binds.add(limit);
        return sql.query("SELECT r.pk, r.json, " + KeysetPager.Row.compartmentsOf("r") + " FROM resource r WHERE r.res_type = ? AND NOT r.deleted AND r.pk IN"
                + " (SELECT i.res_pk FROM resource m JOIN sp_reference i ON i.target_id = m.res_id AND i.target_type = m.res_type"
                + " WHERE m.pk = ANY (?) AND i.res_type = ? AND i.name = ANY (?)" + targetType + ") AND " + visible.text()
                + " ORDER BY r.pk LIMIT ?", binds, IncludeResolver::row);
    }

    private static KeysetPager.Row row(java.sql.ResultSet row) throws java.sql.SQLException {
        return new KeysetPager.Row(row.getLong(1), row.getString(2), List.of(), KeysetPager.Row.compartments(row, 3));
    }
}
