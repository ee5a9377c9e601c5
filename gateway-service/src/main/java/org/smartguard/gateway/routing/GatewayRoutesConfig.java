package org.smartguard.gateway.routing;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code smartguard.gateway.*}: the upstream of each public prefix and how the proxy talks to them. A route's
 * prefix is matched case-sensitively as a whole path segment ({@code /fhir} matches {@code /fhir} and
 * {@code /fhir/...}, never {@code /fhirx}).
 */
@ConfigMapping(prefix = "smartguard.gateway")
public interface GatewayRoutesConfig {

    /** Routes by name, e.g. {@code smartguard.gateway.routes.fhir.upstream} (env SMARTGUARD_GATEWAY_ROUTES_FHIR_UPSTREAM). */
    Map<String, Route> routes();

    Upstream upstream();

    /**
     * How long a client has, once its headers arrived, to send the whole body; a slower one (a slow-POST attack
     * holds a connection and an upstream request open byte by byte, never idle long enough for the idle timeout)
     * gets 408 and its connection is closed (env SMARTGUARD_GATEWAY_BODY_TIMEOUT). Generous enough for a 16 MB
     * transaction bundle over a slow link.
     */
    @WithDefault("60s")
    Duration bodyTimeout();

    interface Route {
        /** The public path prefix, e.g. {@code /fhir}; forwarded unchanged. */
        String prefix();

        /** The service's base URL, e.g. {@code http://127.0.0.1:8082}. */
        URI upstream();
    }

    interface Upstream {
        /** How long to wait for a TCP connection to an upstream before answering 502. */
        @WithDefault("2s")
        Duration connectTimeout();

        /** How long an upstream may stay silent (no response byte) before the gateway answers 504. */
        @WithDefault("30s")
        Duration responseTimeout();

        /** Pooled connections per upstream. */
        @WithDefault("200")
        int maxConnections();
    }
}
