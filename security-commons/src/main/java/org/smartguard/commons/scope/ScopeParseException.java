package org.smartguard.commons.scope;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A scope string the strict parser refuses. An authorization server answers it with {@code invalid_scope}; the
 * message names every refused scope and is safe to use as the {@code error_description}.
 */
public class ScopeParseException extends RuntimeException {

    private final List<RejectedScope> rejected;

    /** The string as a whole is unacceptable (empty, too long, too many scopes). */
    ScopeParseException(String message) {
        super(message);
        this.rejected = List.of();
    }

    ScopeParseException(List<RejectedScope> rejected) {
        super(rejected.stream().map(RejectedScope::toString).collect(Collectors.joining("; ")));
        this.rejected = List.copyOf(rejected);
    }

    /** The individual scopes refused; empty when the string as a whole was refused. */
    public List<RejectedScope> rejected() {
        return rejected;
    }
}
