package org.smartguard.auth.token;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an authorization decided, carried from the code (or the refresh token, or the client credentials) into the
 * tokens: who, which client, which scopes were granted and in which launch context.
 *
 * @param familyId       the grant family: every token issued from one authorization; revoked together
 * @param subject        the user's {@code sub}, or the client id for backend services
 * @param fhirUser       {@code Patient/<id>} or {@code Practitioner/<id>}, null for backend services
 * @param scope          the granted scopes, space-separated
 * @param patient        bare patient id of the launch context, or null
 * @param encounter      bare encounter id of the launch context, or null
 * @param fhirContext    SMART {@code fhirContext} entries, may be empty
 * @param needPatientBanner whether the app must show a patient banner (EHR launch: false; standalone: true)
 * @param nonce          the OpenID Connect nonce to echo in the id_token, or null
 * @param authTime       when the user logged in, or null
 */
public record GrantContext(String familyId, String clientId, String subject, String fhirUser, String scope,
        String patient, String encounter, List<Map<String, Object>> fhirContext, boolean needPatientBanner,
        String nonce, Instant authTime) {

    public boolean hasScope(String wanted) {
        for (String scope : scope.split(" ")) {
            if (scope.equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    public GrantContext withScope(String narrowed) {
        return new GrantContext(familyId, clientId, subject, fhirUser, narrowed, patient, encounter, fhirContext,
                needPatientBanner, null, authTime);
    }
}
