package org.smartguard.commons.scope;

import java.util.Objects;

/**
 * One {@code name=value} pair of a granular scope's query, e.g. {@code category} and
 * {@code http://terminology.hl7.org/CodeSystem/observation-category|laboratory}.
 *
 * @param name  the FHIR search parameter name, possibly with a modifier ({@code code:in})
 * @param value the percent-decoded value
 */
public record QueryParam(String name, String value) {

    public QueryParam {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** The pair as it appears in a canonical scope string, value percent-encoded where it has to be. */
    @Override
    public String toString() {
        return name + "=" + PercentCoding.encode(value);
    }
}
