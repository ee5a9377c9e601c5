package org.smartguard.fhir.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.scope.Permission;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.security.AccessDecision;
import org.smartguard.fhir.security.SmartAuthorization;
import org.smartguard.fhir.security.SmartRefusal;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;

/**
 * Turns a search's filter parameters into one SQL condition on the {@code resource} row {@code r}, the token's access
 * included: plain parameters, chained parameters one level deep ({@code subject:Patient.name=...}) and reverse chains
 * ({@code _has:Observation:patient:code=...}). A chained target or a {@code _has} source must itself be inside what the
 * token may search on its type (compartment and granular filters, in the same SQL), so neither can test resources the
 * token cannot see; a chain or {@code _has} on a type the token may not search at all is refused (403), like a direct
 * search of that type.
 */
@ApplicationScoped
class SearchCriteria {

    /** The SQL condition (with binds) of a search, the token's access included, and the parameters it applied. */
    record Criteria(SearchPredicates.Sql where, Map<String, List<String>> applied) {
    }

    private final SearchParameters parameters;
    private final SmartAuthorization authorization;
    private final AccessPredicates access;

    SearchCriteria(SearchParameters parameters, SmartAuthorization authorization, AccessPredicates access) {
        this.parameters = parameters;
        this.authorization = authorization;
        this.access = access;
    }

    /** @param lenient unknown parameter names are ignored instead of refused (malformed chains are refused anyway) */
    Criteria of(String type, Map<String, List<String>> query, boolean lenient, AccessDecision decision) {
        Conditions where = Conditions.all().add("r.res_type = ?", type).add("NOT r.deleted");
        Map<String, List<String>> applied = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : query.entrySet()) {
            String key = entry.getKey();
            requireNoNul(key, entry.getValue());
            if (SearchControls.isControl(key)) {
                continue;
            }
            if (!key.startsWith("_has:") && !key.contains(".") && lenient && !isKnown(type, baseName(key))) {
                continue;
            }
            for (String occurrence : entry.getValue()) {
                List<String> values = List.of(occurrence.split("(?<!\\\\),"));
                if (key.startsWith("_has:")) {
                    where.add(reverseChain(type, key, values));
                } else if (key.contains(".")) {
                    where.add(chain(type, key, values));
                } else {
                    where.add(filter("r", type, baseName(key), modifier(key), values));
                }
            }
            applied.put(key, entry.getValue());
        }
        where.add(access.of(type, decision, "r"));
        return new Criteria(where.toSql(), applied);
    }

    /** PostgreSQL text cannot hold NUL: a search that names one is refused rather than failing in the database. */
    private static void requireNoNul(String name, List<String> values) {
        if (name.indexOf('\0') >= 0 || values.stream().anyMatch(value -> value.indexOf('\0') >= 0)) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-VALUE", "search parameters may not contain the NUL character");
        }
    }

    /** One parameter of {@code type}, on the resource row {@code alias}. */
    private SearchPredicates.Sql filter(String alias, String type, String name, String modifier, List<String> values) {
        if (name.equals("_id")) {
            Conditions any = Conditions.any();
            values.forEach(value -> any.add(alias + ".res_id = ?", value));
            return any.toSql();
        }
        if (name.equals("_lastUpdated")) {
            return SearchPredicates.lastUpdated(alias, values);
        }
        return SearchPredicates.of(alias, type, known(type, name), modifier, values);
    }

    /**
     * {@code ref[:Type].param[:modifier]}: resources whose reference {@code ref} points to a {@code Type} matching
     * {@code param}. Without {@code :Type}, every target type of {@code ref} that has {@code param} is tried.
     */
    private SearchPredicates.Sql chain(String type, String key, List<String> values) {
        int dot = key.indexOf('.');
        String link = key.substring(0, dot);
        String chained = key.substring(dot + 1);
        if (chained.contains(".")) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-CHAIN", "chained parameters go one level deep: " + key);
        }
        RuntimeSearchParam reference = reference(type, baseName(link));
        String explicitTarget = modifier(link);
        List<String> targets = explicitTarget != null ? List.of(explicitTarget) : List.copyOf(reference.getTargets());
        String param = baseName(chained);
        List<String> candidates = targets.stream().filter(target -> isKnown(target, param)).sorted().toList();
        if (candidates.isEmpty()) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-CHAIN", "no target type of " + type + "." + baseName(link)
                    + " has a parameter '" + param + "' (name one: " + baseName(link) + ":Type." + param + ")");
        }
        Conditions alternatives = Conditions.any();
        SmartRefusal refused = null;
        for (String target : candidates) {
            AccessDecision targetAccess;
            try {
                targetAccess = authorization.require(target, Permission.SEARCH);
            } catch (SmartRefusal refusal) {
                refused = refusal;
                continue;
            }
            alternatives.add(Conditions.all().add("t.res_type = ?", target)
                    .add(filter("t", target, param, modifier(chained), values))
                    .add(access.of(target, targetAccess, "t")).toSql());
        }
        if (alternatives.isEmpty()) {
            throw refused;
        }
        SearchPredicates.Sql targetsMatch = alternatives.toSql();
        List<Object> binds = new ArrayList<>(List.of(type, reference.getName()));
        binds.addAll(targetsMatch.binds());
        return new SearchPredicates.Sql("EXISTS (SELECT 1 FROM sp_reference cr JOIN resource t ON t.res_type = cr.target_type"
                + " AND t.res_id = cr.target_id WHERE cr.res_pk = r.pk AND cr.res_type = ? AND cr.name = ? AND NOT t.deleted AND "
                + targetsMatch.text() + ")", binds);
    }

    /** {@code _has:Source:ref:param[:modifier]}: resources that some {@code Source} matching {@code param} refers to by {@code ref}. */
    private SearchPredicates.Sql reverseChain(String type, String key, List<String> values) {
        String[] parts = key.split(":");
        if (parts.length < 4 || parts.length > 5 || parts[3].equals("_has")) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-HAS", "_has goes one level deep: _has:Type:reference:parameter=value");
        }
        String source = parts[1];
        if (!parameters.isResourceType(source)) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-HAS", "unknown resource type " + source + " in " + key);
        }
        RuntimeSearchParam reference = reference(source, parts[2]);
        if (!reference.getTargets().isEmpty() && !reference.getTargets().contains(type)) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-HAS", source + "." + parts[2] + " does not refer to " + type);
        }
        AccessDecision sourceAccess = authorization.require(source, Permission.SEARCH);
        SearchPredicates.Sql sourceMatches = Conditions.all()
                .add(filter("h", source, parts[3], parts.length == 5 ? parts[4] : null, values))
                .add(access.of(source, sourceAccess, "h")).toSql();
        List<Object> binds = new ArrayList<>(List.of(source, reference.getName(), type));
        binds.addAll(sourceMatches.binds());
        return new SearchPredicates.Sql("EXISTS (SELECT 1 FROM sp_reference hr JOIN resource h ON h.pk = hr.res_pk"
                + " WHERE hr.res_type = ? AND hr.name = ? AND hr.target_type = ? AND hr.target_id = r.res_id AND NOT h.deleted AND "
                + sourceMatches.text() + ")", binds);
    }

    private RuntimeSearchParam reference(String type, String name) {
        RuntimeSearchParam param = known(type, name);
        if (param.getParamType() != RestSearchParameterTypeEnum.REFERENCE) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-CHAIN", type + "." + name + " is not a reference parameter");
        }
        return param;
    }

    private boolean isKnown(String type, String name) {
        return name.equals("_id") || name.equals("_lastUpdated") || parameters.find(type, name).isPresent();
    }

    private RuntimeSearchParam known(String type, String name) {
        return parameters.find(type, name).orElseThrow(() -> FhirException.badRequest("SG-FHIR-SEARCH-UNKNOWN",
                "unknown search parameter '" + name + "' for " + type + " (send Prefer: handling=lenient to ignore it)"));
    }

    private static String baseName(String key) {
        int colon = key.indexOf(':');
        return colon < 0 ? key : key.substring(0, colon);
    }

    private static String modifier(String key) {
        int colon = key.indexOf(':');
        return colon < 0 ? null : key.substring(colon + 1);
    }
}
