package org.smartguard.commons.scope;

import java.util.Objects;

/**
 * A scope the parser did not accept, and why.
 *
 * @param scope  the scope exactly as received
 * @param reason why it was refused, in words safe for an OAuth {@code error_description}
 */
public record RejectedScope(String scope, String reason) {

    public RejectedScope {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(reason, "reason");
    }

    /** E.g. {@code invalid scope 'patient/Observation.sr': ...}; the scope is shown printable and shortened. */
    @Override
    public String toString() {
        return "invalid scope " + Quoted.of(scope) + ": " + reason;
    }
}
