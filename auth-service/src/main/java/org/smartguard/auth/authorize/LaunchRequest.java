package org.smartguard.auth.authorize;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /auth/launch}.
 *
 * @param patient     bare patient id, required
 * @param encounter   bare encounter id, optional
 * @param fhirContext SMART 2.2 fhirContext objects, optional
 */
public record LaunchRequest(String patient, String encounter, List<Map<String, Object>> fhirContext) {
}
