package org.smartguard.commons.scope;

import java.util.Arrays;
import java.util.Optional;

/**
 * One SMART v2 permission letter. Declared in {@code c r u d s} order, so an {@code EnumSet} of permissions
 * iterates (and prints) in the order the v2 grammar requires.
 */
public enum Permission {
    CREATE('c'),
    READ('r'),
    UPDATE('u'),
    DELETE('d'),
    SEARCH('s');

    private final char letter;

    Permission(char letter) {
        this.letter = letter;
    }

    public char letter() {
        return letter;
    }

    static Optional<Permission> fromLetter(char letter) {
        return Arrays.stream(values()).filter(permission -> permission.letter == letter).findFirst();
    }
}
