package org.smartguard.fhir.security;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.commons.scope.ClinicalScope;
import org.smartguard.commons.scope.Permission;
import org.smartguard.commons.scope.ScopeContext;
import org.smartguard.fhir.search.SearchParameters;

/**
 * Turns the token's SMART scopes into an {@link AccessDecision} for an interaction, denying by default. The least
 * restrictive granted context wins (system, then user, then patient); the decision's compartment and filters are
 * then applied by storage and search, inside the query. Fail closed: a patient/ scope without a {@code patient}
 * claim, or a user/ scope without {@code fhirUser}, grants nothing.
 *
 * <p>Resource types outside the Patient compartment (Practitioner, Organization, Medication, ...) hold no patient's
 * data, so a patient/ scope on them is not narrowed to a compartment.
 */
@ApplicationScoped
public class SmartAuthorization {

    private final SmartContext context;
    private final SearchParameters parameters;
    private final FhirAuthConfig config;

    SmartAuthorization(SmartContext context, SearchParameters parameters, FhirAuthConfig config) {
        this.context = context;
        this.parameters = parameters;
        this.config = config;
    }

    public AccessDecision require(String resourceType, Permission permission) {
        ValidatedToken token = context.token();
        List<ClinicalScope> granted = context.scopes().permits(resourceType, permission);
        if (granted.isEmpty()) {
            throw SmartRefusal.insufficientScope("a scope permitting " + permission.name().toLowerCase() + " on " + resourceType);
        }
        for (ScopeContext level : List.of(ScopeContext.SYSTEM, ScopeContext.USER, ScopeContext.PATIENT)) {
            List<ClinicalScope> atLevel = granted.stream().filter(scope -> scope.context() == level).toList();
            if (!atLevel.isEmpty()) {
                String compartment = compartmentFor(level, token, resourceType);
                if (parameters.isPatientCompartmentType(resourceType)) {
                    compartment = narrowByHint(compartment);
                }
                return new AccessDecision(compartment, filters(atLevel), atLevel.get(0).toString());
            }
        }
        throw SmartRefusal.insufficientScope("a scope permitting " + permission.name().toLowerCase() + " on " + resourceType);
    }

    private String compartmentFor(ScopeContext level, ValidatedToken token, String resourceType) {
        String patient = switch (level) {
            case SYSTEM -> null;
            case USER -> userCompartment(token);
            case PATIENT -> {
                if (token.patient() == null || token.patient().isBlank()) {
                    throw SmartRefusal.unusableContext("a patient/ scope needs a token with a patient in context");
                }
                yield token.patient();
            }
        };
        return patient != null && !parameters.isPatientCompartmentType(resourceType) ? null : patient;
    }

    private String userCompartment(ValidatedToken token) {
        String fhirUser = token.fhirUser();
        if (fhirUser == null) {
            throw SmartRefusal.unusableContext("a user/ scope needs a token with fhirUser");
        }
        if (fhirUser.startsWith("Patient/")) {
            return fhirUser.substring("Patient/".length());
        }
        if (fhirUser.startsWith("Practitioner/") && config.practitionersSeeAllPatients()) {
            return null;
        }
        throw SmartRefusal.unusableContext("user/ scopes are not granted to " + fhirUser.split("/")[0] + " users");
    }

    private String narrowByHint(String compartment) {
        String hint = context.patientHint();
        if (hint == null || hint.isBlank()) {
            return compartment;
        }
        if (compartment != null && !compartment.equals(hint)) {
            throw SmartRefusal.unusableContext("X-FHIR-Patient names another patient than the token allows");
        }
        return hint;
    }

    private static List<List<org.smartguard.commons.scope.QueryParam>> filters(List<ClinicalScope> scopes) {
        if (scopes.stream().anyMatch(scope -> !scope.isGranular())) {
            return List.of();
        }
        return scopes.stream().map(ClinicalScope::query).toList();
    }
}
