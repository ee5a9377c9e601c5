package org.smartguard.fhir.search;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** FHIR string search is case- and accent-insensitive: values are indexed and searched lower-cased without marks. */
public final class TextNormalizer {

    /** Index columns hold at most this many characters; longer values are cut (a prefix match still works). */
    public static final int MAX = 256;
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private TextNormalizer() {
    }

    public static String normalize(String value) {
        String stripped = MARKS.matcher(Normalizer.normalize(value, Normalizer.Form.NFD)).replaceAll("");
        return cut(stripped.toLowerCase(Locale.ROOT));
    }

    public static String cut(String value) {
        return value.length() > MAX ? value.substring(0, MAX) : value;
    }
}
