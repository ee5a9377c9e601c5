package org.smartguard.commons.scope;

import java.util.Arrays;
import java.util.Optional;

/** Whose data a clinical scope reaches: the launch patient's, the user's, or the client's own (backend services). */
public enum ScopeContext {
    PATIENT("patient"),
    USER("user"),
    SYSTEM("system");

    private final String prefix;

    ScopeContext(String prefix) {
        this.prefix = prefix;
    }

    /** The scope prefix before the {@code /}, e.g. {@code patient}. */
    public String prefix() {
        return prefix;
    }

    static Optional<ScopeContext> fromPrefix(String prefix) {
        return Arrays.stream(values()).filter(context -> context.prefix.equals(prefix)).findFirst();
    }
}
