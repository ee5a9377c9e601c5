package org.smartguard.commons.scope;

import java.util.Set;
import java.util.regex.Pattern;

import org.smartguard.commons.fhir.FhirR4;

/** Resource type names a clinical scope may name: the FHIR R4 ones, case-sensitive. */
final class R4ResourceTypes {

    private static final Pattern TYPE_NAME = Pattern.compile("[A-Z][A-Za-z]+");

    private R4ResourceTypes() {
    }

    /** @throws IllegalArgumentException when the name is not an R4 resource type */
    static void check(String resourceType) {
        if (!TYPE_NAME.matcher(resourceType).matches()) {
            throw new IllegalArgumentException("resource type " + Quoted.of(resourceType)
                    + " is not a FHIR resource type name (e.g. Observation)");
        }
        if (!Known.NAMES.contains(resourceType)) {
            throw new IllegalArgumentException("resource type " + Quoted.of(resourceType) + " is not in FHIR R4");
        }
    }

    /** Loaded on first use: it needs the shared FHIR context. */
    private static final class Known {
        static final Set<String> NAMES = Set.copyOf(FhirR4.context().getResourceTypes());
    }
}
