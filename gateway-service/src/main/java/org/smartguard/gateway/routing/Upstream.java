package org.smartguard.gateway.routing;

import java.net.URI;

/** A route resolved for the proxy: its prefix and where its service listens. */
record Upstream(String name, String prefix, String host, int port) {

    static Upstream of(String name, GatewayRoutesConfig.Route route) {
        URI uri = route.upstream();
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("route " + name + ": upstream must be an http://host:port URL, got " + uri);
        }
        String prefix = route.prefix();
        if (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.length() < 2) {
            throw new IllegalArgumentException("route " + name + ": prefix must look like /name, got " + prefix);
        }
        return new Upstream(name, prefix, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80);
    }

    /** The prefix as a whole segment: {@code /fhir} matches {@code /fhir} and {@code /fhir/x}, not {@code /fhirx}. */
    boolean matches(String rawPath) {
        return rawPath.equals(prefix) || rawPath.startsWith(prefix) && rawPath.charAt(prefix.length()) == '/';
    }
}
