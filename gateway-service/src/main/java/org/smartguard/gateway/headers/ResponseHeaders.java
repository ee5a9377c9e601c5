package org.smartguard.gateway.headers;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Response transforms: security headers on everything the gateway answers, and {@code Cache-Control: no-store}
 * on auth and FHIR responses whose service did not choose a caching policy (tokens and health data must not sit
 * in shared caches).
 */
@ApplicationScoped
public class ResponseHeaders {

    private final String exposed;
    private final String hsts;
    private final List<String> noStorePrefixes;

    ResponseHeaders(ResponseHeadersConfig config) {
        this.exposed = String.join(", ", config.exposed());
        this.hsts = config.strictTransportSecurity();
        this.noStorePrefixes = List.copyOf(config.noStorePrefixes());
    }

    /**
     * Before anything is answered, so refusals carry them too.
     *
     * @param scheme how the client connected ({@code https} also when a trusted proxy terminated TLS)
     */
    public void onEveryResponse(String scheme, HttpServerResponse response) {
        response.putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Access-Control-Expose-Headers", exposed);
        if (scheme.equals("https")) {
            response.putHeader("Strict-Transport-Security", hsts);
        }
    }

    /** After the upstream's headers were copied. */
    public void onUpstreamResponse(String path, HttpServerResponse response) {
        if (!response.headers().contains(HttpHeaders.CACHE_CONTROL) && noStorePrefixes.stream().anyMatch(prefix ->
                path.equals(prefix) || path.startsWith(prefix + "/"))) {
            response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        }
    }
}
