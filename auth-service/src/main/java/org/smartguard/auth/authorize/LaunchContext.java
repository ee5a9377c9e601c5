package org.smartguard.auth.authorize;

import java.util.List;
import java.util.Map;

/**
 * What an EHR had open when it launched an app: registered at {@code POST /auth/launch}, bound to the authorization
 * that presents the matching {@code launch} value.
 *
 * @param patient     bare patient id
 * @param encounter   bare encounter id, or null
 * @param fhirContext SMART 2.2 {@code fhirContext} entries (objects with reference, canonical or identifier); may be empty
 */
public record LaunchContext(String patient, String encounter, List<Map<String, Object>> fhirContext) {

    public LaunchContext {
        fhirContext = fhirContext == null ? List.of() : List.copyOf(fhirContext);
    }
}
