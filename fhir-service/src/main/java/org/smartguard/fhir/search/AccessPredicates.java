package org.smartguard.fhir.search;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.scope.Permission;
import org.smartguard.commons.scope.QueryParam;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.security.AccessDecision;
import org.smartguard.fhir.security.SmartAuthorization;
import org.smartguard.fhir.security.SmartRefusal;

import ca.uhn.fhir.context.RuntimeSearchParam;

/**
 * The SQL form of an {@link AccessDecision}: patient-compartment membership and the v2 granular scope filters as
 * predicates on one {@code resource} row. Every row a search returns or tests (matches, included resources, chained
 * targets, {@code _has} sources) carries the predicate of its own type, so nothing reaches around the token.
 */
@ApplicationScoped
class AccessPredicates {

    private final SearchParameters parameters;
    private final SmartAuthorization authorization;

    AccessPredicates(SearchParameters parameters, SmartAuthorization authorization) {
        this.parameters = parameters;
        this.authorization = authorization;
    }

    /** @param alias the SQL alias of the {@code resource} row of type {@code type} */
    SearchPredicates.Sql of(String type, AccessDecision access, String alias) {
        Conditions all = Conditions.all();
        if (access.restrictedToCompartment()) {
            all.add("EXISTS (SELECT 1 FROM resource_compartment c WHERE c.res_pk = " + alias + ".pk AND c.patient_id = ?)",
                    access.compartmentPatient());
        }
        if (!access.filters().isEmpty()) {
            Conditions alternatives = Conditions.any();
            for (List<QueryParam> filter : access.filters()) {
                Conditions every = Conditions.all();
                for (QueryParam param : filter) {
                    RuntimeSearchParam definition = parameters.find(type, param.name()).orElseThrow(() -> FhirException.badRequest(
                            "SG-FHIR-SCOPE-FILTER", "the token's scope filters on unknown parameter " + param.name()));
                    every.add(SearchPredicates.of(alias, type, definition, null, List.of(param.value())));
                }
                alternatives.add(every.toSql());
            }
            all.add(alternatives.toSql());
        }
        return all.toSql();
    }

    /**
     * The token's access to a type a search reaches indirectly (an included resource's type), or empty when the
     * scopes do not grant it: such resources are left out, as if they did not exist, rather than failing the search.
     */
    Optional<AccessDecision> ifPermitted(String type, Permission permission) {
        try {
            return Optional.of(authorization.require(type, permission));
        } catch (SmartRefusal refused) {
            return Optional.empty();
        }
    }
}
