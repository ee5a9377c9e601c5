package org.smartguard.audit.access;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.commons.scope.ClinicalScope;
import org.smartguard.commons.scope.Permission;
import org.smartguard.commons.scope.ScopeContext;
import org.smartguard.commons.scope.SmartScopes;

/**
 * Which role a token has here. Security staff need a scope that names AuditEvent itself: a wildcard such as
 * {@code user/*.rs} is what every clinician app asks for, so it never opens the audit trail. A backend with
 * {@code system/AuditEvent.rs} (registered by an admin, e.g. the SIEM) is staff; a person with
 * {@code user/AuditEvent.rs} is staff only when their {@code fhirUser} is a configured security officer, because any
 * user could consent to that scope in an app registered for {@code user/*}. A patient's token with
 * {@code patient/AuditEvent.rs} (or {@code patient/*.rs}) sees its own record's history.
 */
@ApplicationScoped
public class AuditRolePolicy {

    private static final String AUDIT_EVENT = "AuditEvent";

    private final Set<String> securityStaff;

    AuditRolePolicy(AuditApiConfig config) {
        this.securityStaff = Set.copyOf(config.securityStaff().orElse(List.of()));
    }

    /** @throws AuditApiException 403 when the token grants no role */
    public AuditRole roleOf(ValidatedToken token) {
        SmartScopes scopes = SmartScopes.parseLenient(token.scope()).understood();
        if (!explicit(scopes, ScopeContext.SYSTEM).isEmpty()) {
            return AuditRole.SECURITY_STAFF;
        }
        if (!explicit(scopes, ScopeContext.USER).isEmpty() && token.fhirUser() != null && securityStaff.contains(token.fhirUser())) {
            return AuditRole.SECURITY_STAFF;
        }
        boolean patientScope = scopes.permits(ScopeContext.PATIENT, AUDIT_EVENT, Permission.READ).stream()
                .anyMatch(scope -> !scope.isGranular() && scope.allows(AUDIT_EVENT, Permission.SEARCH));
        if (patientScope) {
            if (token.patient() == null || token.patient().isBlank()) {
                throw AuditApiException.patientContextMissing();
            }
            return AuditRole.PATIENT;
        }
        throw AuditApiException.notSecurityStaff();
    }

    /** Unfiltered scopes of this context naming AuditEvent (not {@code *}) that allow read and search. */
    private static List<ClinicalScope> explicit(SmartScopes scopes, ScopeContext context) {
        return scopes.permits(context, AUDIT_EVENT, Permission.READ).stream()
                .filter(scope -> !scope.isForAnyResourceType() && !scope.isGranular() && scope.allows(AUDIT_EVENT, Permission.SEARCH))
                .toList();
    }
}
