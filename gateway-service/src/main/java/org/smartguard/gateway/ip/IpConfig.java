package org.smartguard.gateway.ip;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** {@code smartguard.gateway.ip.*}: who the client is behind proxies, and which addresses each route admits. */
@ConfigMapping(prefix = "smartguard.gateway.ip")
public interface IpConfig {

    /**
     * Networks of proxies in front of the gateway (load balancers, ingress). Only when the direct peer is one of
     * them is {@code X-Forwarded-For} read, from the right, skipping further trusted proxies. None by default.
     */
    Optional<List<String>> trustedProxies();

    /** Allow and deny lists by route name ({@code auth}, {@code fhir}, {@code audit}). */
    Map<String, RouteRules> routes();

    interface RouteRules {
        /** When set, only these networks may use the route. */
        Optional<List<String>> allow();

        /** These networks may never use the route; wins over allow. */
        Optional<List<String>> deny();
    }
}
