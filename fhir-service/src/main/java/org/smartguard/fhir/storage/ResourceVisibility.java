package org.smartguard.fhir.storage;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.smartguard.commons.scope.QueryParam;
import org.smartguard.fhir.search.IndexRows;
import org.smartguard.fhir.security.AccessDecision;

/**
 * Whether one stored resource (or one about to be stored) is inside what an {@link AccessDecision} allows: in the
 * permitted patient's compartment, and matching one of the granular scope filters. Searches apply the same
 * conditions as SQL predicates; this is the single-resource form used by read, vread, history and writes.
 */
@ApplicationScoped
public class ResourceVisibility {

    private final EntityManager entityManager;

    ResourceVisibility(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    public boolean visible(long pk, AccessDecision access) {
        if (access.restrictedToCompartment() && entityManager.createNativeQuery(
                "SELECT 1 FROM resource_compartment WHERE patient_id = ?1 AND res_pk = ?2")
                .setParameter(1, access.compartmentPatient()).setParameter(2, pk).getResultList().isEmpty()) {
            return false;
        }
        return storedFiltersMatch(pk, access);
    }

    /** The same test when the resource's compartments were read with its row (a read): no compartment query. */
    public boolean visible(long pk, Collection<String> compartmentPatients, AccessDecision access) {
        if (access.restrictedToCompartment() && !compartmentPatients.contains(access.compartmentPatient())) {
            return false;
        }
        return storedFiltersMatch(pk, access);
    }

    /** The same test for a resource being written, on its freshly extracted index rows. */
    public boolean allows(IndexRows rows, AccessDecision access) {
        if (access.restrictedToCompartment() && !rows.compartmentPatients.contains(access.compartmentPatient())) {
            return false;
        }
        return access.filters().isEmpty() || access.filters().stream().anyMatch(filter -> filter.stream().allMatch(param -> rows.tokens.stream()
                .anyMatch(token -> token.name().equals(param.name()) && TokenValue.parse(param.value()).matches(token.system(), token.code()))));
    }

    private boolean storedFiltersMatch(long pk, AccessDecision access) {
        return access.filters().isEmpty() || access.filters().stream().anyMatch(filter -> filter.stream().allMatch(param -> storedTokenMatches(pk, param)));
    }

    private boolean storedTokenMatches(long pk, QueryParam param) {
        TokenValue token = TokenValue.parse(param.value());
        String sql = "SELECT 1 FROM sp_token WHERE res_pk = ?1 AND name = ?2 AND code = ?3"
                + (token.system() != null ? " AND system = ?4" : "");
        var query = entityManager.createNativeQuery(sql).setParameter(1, pk).setParameter(2, param.name()).setParameter(3, token.code());
        if (token.system() != null) {
            query.setParameter(4, token.system());
        }
        List<?> rows = query.setMaxResults(1).getResultList();
        return !rows.isEmpty();
    }
}
