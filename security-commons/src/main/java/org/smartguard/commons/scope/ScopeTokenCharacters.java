package org.smartguard.commons.scope;

/**
 * RFC 6749 §3.3: {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}, printable ASCII without space,
 * {@code "} and {@code \}.
 */
final class ScopeTokenCharacters {

    private ScopeTokenCharacters() {
    }

    static boolean isAllowed(int c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
    }

    /** @throws IllegalArgumentException naming the first character a scope token may not hold */
    static void check(String token) {
        token.codePoints().filter(c -> !isAllowed(c)).findFirst().ifPresent(c -> {
            throw new IllegalArgumentException(String.format("character U+%04X is not allowed in a scope", c));
        });
    }
}
