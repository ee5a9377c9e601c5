package org.smartguard.commons.scope;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-coding of granular scope query values. Only {@code %XX} is decoded: the form layer of the request has
 * already turned {@code +} into the space that separates scopes, so a {@code +} left inside a scope is a literal plus.
 */
final class PercentCoding {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentCoding() {
    }

    /** @throws IllegalArgumentException on a broken {@code %XX} escape or bytes that are not UTF-8 */
    static String decode(String encoded) {
        if (encoded.indexOf('%') < 0) {
            return encoded;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c != '%') {
                bytes.write(c); // the caller has checked the input is ASCII
                continue;
            }
            int high = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(encoded.charAt(i + 2), 16) : -1;
            if (low < 0) {
                throw new IllegalArgumentException("broken percent-encoding in query value " + Quoted.of(encoded));
            }
            bytes.write(high << 4 | low);
            i += 2;
        }
        return utf8(bytes.toByteArray(), encoded);
    }

    /** Encodes what a scope token cannot hold (RFC 6749 scope-token) and what would change the query's meaning. */
    static String encode(String value) {
        StringBuilder encoded = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (ScopeTokenCharacters.isAllowed(c) && c != '%' && c != '&' && c != '=') {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return encoded.toString();
    }

    private static String utf8(byte[] bytes, String encoded) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("query value " + Quoted.of(encoded) + " is not percent-encoded UTF-8");
        }
    }
}
