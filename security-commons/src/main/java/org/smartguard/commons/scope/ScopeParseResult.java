package org.smartguard.commons.scope;

import java.util.List;
import java.util.Objects;

/**
 * What a lenient parse made of a scope string: the scopes understood and those set aside.
 *
 * @param understood the valid scopes, in order
 * @param rejected   the scopes not understood, each with the reason
 */
public record ScopeParseResult(SmartScopes understood, List<RejectedScope> rejected) {

    public ScopeParseResult {
        Objects.requireNonNull(understood, "understood");
        rejected = List.copyOf(rejected);
    }

    public boolean hasRejected() {
        return !rejected.isEmpty();
    }
}
