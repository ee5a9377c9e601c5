package org.smartguard.commons.scope;

/**
 * Quotes request text for error messages. Messages end up in OAuth {@code error_description} (which allows only
 * printable ASCII without {@code "} and {@code \}) and in logs, so other characters are shown as {@code [U+XXXX]}
 * and long text is cut.
 */
final class Quoted {

    private static final int MAX_SHOWN_CHARS = 80;

    private Quoted() {
    }

    static String of(String text) {
        StringBuilder quoted = new StringBuilder("'");
        text.codePoints().limit(MAX_SHOWN_CHARS).forEach(c -> {
            if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') {
                quoted.append((char) c);
            } else {
                quoted.append(String.format("[U+%04X]", c));
            }
        });
        if (text.codePointCount(0, text.length()) > MAX_SHOWN_CHARS) {
            quoted.append("...");
        }
        return quoted.append('\'').toString();
    }
}
