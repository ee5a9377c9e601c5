package org.smartguard.commons.fhir;

import ca.uhn.fhir.context.FhirContext;

/**
 * The one R4 {@link FhirContext} of the process. Building a context scans every model class (seconds and
 * tens of MB), and it is thread-safe once built, so every parser and every service shares this one.
 */
public final class FhirR4 {

    private FhirR4() {
    }

    public static FhirContext context() {
        return Holder.CONTEXT;
    }

    private static final class Holder {
        static final FhirContext CONTEXT = FhirContext.forR4Cached();
    }
}
