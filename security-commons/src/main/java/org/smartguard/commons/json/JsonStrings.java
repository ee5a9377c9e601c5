package org.smartguard.commons.json;

/**
 * JSON string literals written by hand, for the few documents this code writes often or on an event loop (audit
 * events, the gateway's refusals), where a general encoder costs more than the document, or loads classes at the
 * first use. Escapes as HAPI's and Jackson's encoders do: quote, backslash and the control characters; everything
 * else as it is.
 */
public final class JsonStrings {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonStrings() {
    }

    /** Appends {@code value} as a quoted JSON string. */
    public static StringBuilder quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0, length = value.length(); i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                out.append(c);
                continue;
            }
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.append('"');
    }
}
