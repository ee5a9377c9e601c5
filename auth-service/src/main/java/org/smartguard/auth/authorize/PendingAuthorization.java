package org.smartguard.auth.authorize;

import java.time.Instant;

import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.auth.users.AppUser;
import org.smartguard.commons.scope.NonClinicalScope;
import org.smartguard.commons.scope.SmartScopes;

/**
 * An authorization between the request and the user's consent, kept server-side. Each step gets a fresh CSRF token,
 * which the next form must send back.
 *
 * @param username the user who logged in, null before login
 * @param patient  the patient the launch is bound to, null until known
 */
public record PendingAuthorization(AuthorizationRequest request, String csrf, Stage stage, String username,
        String fhirUser, Instant authTime, String patient) {

    /** Where the flow stands, so a form cannot be posted out of order (consent before login). */
    public enum Stage {
        LOGIN,
        PICK_PATIENT,
        CONSENT
    }

    static PendingAuthorization start(AuthorizationRequest request) {
        return new PendingAuthorization(request, SecureTokens.random(), Stage.LOGIN, null, null, null, null);
    }

    PendingAuthorization loggedIn(AppUser user, Instant at, String patient) {
        Stage next = patient == null && needsPatient() ? Stage.PICK_PATIENT : Stage.CONSENT;
        return new PendingAuthorization(request, SecureTokens.random(), next, user.username, user.fhirUser, at, patient);
    }

    PendingAuthorization withPatient(String chosen) {
        return new PendingAuthorization(request, SecureTokens.random(), Stage.CONSENT, username, fhirUser, authTime, chosen);
    }

    /** A standalone {@code launch/patient} or any {@code patient/} scope needs a patient (SMART: no patient scope without one). */
    boolean needsPatient() {
        SmartScopes scopes = requestedScopes();
        return scopes.contains(NonClinicalScope.LAUNCH_PATIENT) || scopes.hasPatientScopes();
    }

    SmartScopes requestedScopes() {
        return SmartScopes.parse(request.scope());
    }
}
