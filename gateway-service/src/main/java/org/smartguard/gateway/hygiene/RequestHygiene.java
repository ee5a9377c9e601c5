package org.smartguard.gateway.hygiene;

import java.util.List;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * What Netty's decoder lets through but a proxy must not: framing two parsers could read differently (request
 * smuggling: Content-Length with Transfer-Encoding, several Content-Lengths, any Transfer-Encoding but plain
 * {@code chunked}), control characters in header values, a declared body over the limit, and methods the gateway
 * never serves. Header and request-line sizes and slow clients are Vert.x limits ({@code quarkus.http.limits.*},
 * {@code quarkus.http.idle-timeout}).
 */
public final class RequestHygiene {

    private RequestHygiene() {
    }

    /** A sentence for a 400, or null when the framing is sound. */
    public static String framingRefusal(HttpServerRequest request) {
        MultiMap headers = request.headers();
        List<String> lengths = headers.getAll("Content-Length");
        List<String> encodings = headers.getAll("Transfer-Encoding");
        if (lengths.size() > 1 || lengths.stream().anyMatch(length -> length.contains(","))) {
            return "send one Content-Length";
        }
        if (!encodings.isEmpty() && !lengths.isEmpty()) {
            return "send Content-Length or Transfer-Encoding, not both";
        }
        if (encodings.size() > 1 || encodings.size() == 1 && !encodings.get(0).equalsIgnoreCase("chunked")) {
            return "the only Transfer-Encoding accepted is chunked";
        }
        for (var header : headers) {
            if (hasControlCharacter(header.getValue())) {
                return "header values must not contain control characters";
            }
        }
        return null;
    }

    /**
     * Whether the declared body is larger than {@code maxBytes}. Vert.x does not check this for a handler that
     * streams the body, so the gateway does, before anything is forwarded.
     */
    public static boolean declaresTooLargeBody(HttpServerRequest request, long maxBytes) {
        String length = request.getHeader("Content-Length");
        if (length == null) {
            return false;
        }
        try {
            return Long.parseLong(length.trim()) > maxBytes;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** TRACE echoes credentials back (cross-site tracing) and CONNECT opens tunnels; neither is served. */
    public static boolean isRefusedMethod(HttpMethod method) {
        return method == HttpMethod.TRACE || method == HttpMethod.CONNECT;
    }

    private static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7F) {
                return true;
            }
        }
        return false;
    }
}
