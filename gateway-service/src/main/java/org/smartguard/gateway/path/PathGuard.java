package org.smartguard.gateway.path;

import java.util.regex.Pattern;

/**
 * Decides whether a raw request path may be routed at all. Routing looks at the raw path, exactly as the
 * upstream will receive it, so nothing that a decoder or normalizer could turn into another path is let through:
 * no percent-encoding, backslash, {@code ;} parameter, empty segment, or dot segment. FHIR paths never need
 * them (ids are {@code [A-Za-z0-9.-]{1,64}}; search parameters travel in the query string), so refusing them
 * costs legitimate clients nothing, and there is no decoding step whose double application could be abused.
 */
public final class PathGuard {

    /** Unreserved characters plus the few FHIR paths use ({@code $operation}, {@code _history}, {@code .well-known}). */
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._~$\\-/]*");

    private PathGuard() {
    }

    /** @return null when the path is acceptable, else the reason it is refused */
    public static String refusal(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || !SAFE_PATH.matcher(rawPath).matches()) {
            return "the path contains characters this server does not accept (percent-encoding, '\\', ';' or others)";
        }
        if (rawPath.contains("//")) {
            return "the path contains an empty segment";
        }
        for (String segment : rawPath.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return "the path contains a dot segment";
            }
        }
        return null;
    }
}
