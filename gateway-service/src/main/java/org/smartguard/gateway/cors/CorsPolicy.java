package org.smartguard.gateway.cors;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.gateway.errors.OperationOutcomes;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * CORS answered at the gateway, before authentication (a preflight carries no token). An origin is allowed only
 * by exact match against the configured list and echoed only then, so no arbitrary origin is ever reflected (with
 * or without credentials). There is deliberately no wildcard: a FHIR API serves health data, and the apps that
 * may call it from a browser are known. {@code null} (sandboxed frames, file: pages) never matches.
 */
@ApplicationScoped
public class CorsPolicy {

    public static final String REFUSAL_CODE = "SG-GW-403-CORS";

    private final Set<String> origins;
    private final Set<String> methods;
    private final Set<String> headers;
    private final String methodList;
    private final String headerList;
    private final boolean credentials;
    private final String maxAge;

    CorsPolicy(CorsConfig config) {
        if (config.allowedOrigins().orElse(List.of()).contains("*")) {
            throw new IllegalArgumentException("smartguard.gateway.cors.allowed-origins: list the origins, * is not supported");
        }
        this.origins = config.allowedOrigins().orElse(List.of()).stream()
                .filter(origin -> !origin.equals("null"))
                .collect(Collectors.toSet());
        this.methods = config.allowedMethods().stream().map(method -> method.toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
        this.headers = config.allowedHeaders().stream().map(header -> header.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.methodList = String.join(", ", config.allowedMethods());
        this.headerList = String.join(", ", config.allowedHeaders());
        this.credentials = config.allowCredentials();
        this.maxAge = Long.toString(config.maxAge().toSeconds());
    }

    /** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
    public static boolean isPreflight(HttpServerRequest request) {
        return request.method() == HttpMethod.OPTIONS && request.getHeader("Origin") != null
                && request.getHeader("Access-Control-Request-Method") != null;
    }

    /**
     * Answers a preflight: 204 with the allowed methods and headers, or 403 when anything asked for is not allowed.
     *
     * @return whether the preflight was allowed
     */
    public boolean answerPreflight(HttpServerRequest request, HttpServerResponse response) {
        String method = request.getHeader("Access-Control-Request-Method").trim().toUpperCase(Locale.ROOT);
        String requested = request.getHeader("Access-Control-Request-Headers");
        boolean headersAllowed = requested == null || requested.isBlank() || Arrays.stream(requested.split(","))
                .map(header -> header.trim().toLowerCase(Locale.ROOT))
                .allMatch(header -> header.isEmpty() || headers.contains(header));
        // the origin last: allowOrigin writes the CORS answer, which a refusal must not carry
        if (!methods.contains(method) || !headersAllowed || !allowOrigin(request, response)) {
            OperationOutcomes.send(response, 403, "forbidden", REFUSAL_CODE, "this cross-origin request is not allowed");
            return false;
        }
        response.setStatusCode(204)
                .putHeader("Access-Control-Allow-Methods", methodList)
                .putHeader("Access-Control-Allow-Headers", headerList)
                .putHeader("Access-Control-Max-Age", maxAge)
                .end();
        return true;
    }

    /**
     * Adds the CORS answer for an allowed Origin (and {@code Vary: Origin}, as the answer depends on it).
     *
     * @return whether the request's origin is allowed (true also for same-origin requests without Origin)
     */
    public boolean allowOrigin(HttpServerRequest request, HttpServerResponse response) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        response.headers().add("Vary", "Origin");
        if (origins.contains(origin)) {
            response.putHeader("Access-Control-Allow-Origin", origin);
            if (credentials) {
                response.putHeader("Access-Control-Allow-Credentials", "true");
            }
            return true;
        }
        return false;
    }
}
