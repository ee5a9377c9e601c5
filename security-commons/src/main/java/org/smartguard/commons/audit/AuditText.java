package org.smartguard.commons.audit;

/**
 * Cleans values that come from requests (headers, paths, client names) before they enter an audit event.
 * JSON already escapes them on the wire, but events are also rendered into logs, dashboards and SIEM lines:
 * a control character or a line separator in a User-Agent must never start a forged line there. Long values
 * are cut so one request cannot blow up an event.
 */
public final class AuditText {

    /** The longest request-derived value kept in an event; the rest is replaced by an ellipsis. */
    public static final int MAX_LENGTH = 1024;

    private AuditText() {
    }

    /** Control characters and Unicode line/paragraph separators become visible {@code \\uXXXX} text. */
    public static String clean(String value) {
        if (value == null) {
            return null;
        }
        String cut = value.length() > MAX_LENGTH ? value.substring(0, MAX_LENGTH) + "…" : value;
        StringBuilder out = null;
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            boolean unsafe = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (unsafe && out == null) {
                out = new StringBuilder(cut.length() + 16).append(cut, 0, i);
            }
            if (out != null) {
                if (unsafe) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? cut : out.toString();
    }
}
