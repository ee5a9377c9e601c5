package org.smartguard.fhir.security;

import java.util.List;

import org.smartguard.commons.scope.QueryParam;

/**
 * What a token may touch for one interaction on one resource type.
 *
 * @param compartmentPatient the only patient compartment it may reach, or null for any
 * @param filters            v2 granular scope filters: a resource must match every parameter of at least one
 *                           filter; empty when a non-granular scope applies
 * @param grantedBy          the scope that decided, for the audit event
 */
public record AccessDecision(String compartmentPatient, List<List<QueryParam>> filters, String grantedBy) {

    public boolean restrictedToCompartment() {
        return compartmentPatient != null;
    }
}
