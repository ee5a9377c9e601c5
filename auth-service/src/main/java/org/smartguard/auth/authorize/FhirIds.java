package org.smartguard.auth.authorize;

import java.util.regex.Pattern;

/** FHIR R4 logical ids ({@code [A-Za-z0-9\-\.]{1,64}}), checked before an id is bound into a launch context. */
final class FhirIds {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private FhirIds() {
    }

    static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
