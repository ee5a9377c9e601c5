package org.smartguard.commons.jwt;

import java.time.Instant;

/**
 * The claims of an access token whose signature, issuer, audience and lifetime were checked.
 *
 * @param patient   bare patient id of a patient-context token, or null
 * @param fhirUser  {@code Patient/<id>} or {@code Practitioner/<id>}, or null (backend services)
 */
public record ValidatedToken(String subject, String jti, String clientId, String scope, String patient,
        String encounter, String fhirUser, Instant expiresAt) {
}
