package org.smartguard.commons.scope;

import java.util.List;
import java.util.Objects;

/**
 * One SMART scope: either a {@link ClinicalScope} ({@code patient/Observation.rs}) or one of the fixed
 * {@link NonClinicalScope}s ({@code openid}, {@code launch/patient}, {@code offline_access}, ...).
 * {@code toString()} gives the canonical scope string; equal scopes print the same.
 */
public sealed interface SmartScope permits ClinicalScope, NonClinicalScope {

    /**
     * Parses one scope (a single token, no spaces).
     *
     * @throws ScopeParseException naming the scope and why it is refused
     */
    static SmartScope parse(String scope) {
        Objects.requireNonNull(scope, "scope");
        try {
            return ScopeParser.parseToken(scope);
        } catch (IllegalArgumentException e) {
            throw new ScopeParseException(List.of(new RejectedScope(scope, e.getMessage())));
        }
    }

    /** A short plain-English line for a consent page, e.g. "Read and search your observations". */
    String describe();
}
