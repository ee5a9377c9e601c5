package org.smartguard.auth.discovery;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS for the endpoints a browser app calls directly (SMART: discovery, the token endpoint; and what a
 * browser-based public client then uses), and only those: login, consent, introspection and the admin API stay
 * same-origin. Any origin is allowed because no endpoint here reads cookies: with no credentials involved,
 * {@code *} grants a foreign page nothing it could not get by itself. The gateway owns CORS publicly; this covers
 * a browser talking to the service directly.
 */
@ApplicationScoped
public class BrowserAppCors {

    static final Set<String> PATHS = Set.of(
            "/auth/.well-known/openid-configuration", "/auth/.well-known/smart-configuration",
            "/auth/jwks", "/auth/token", "/auth/revoke", "/auth/userinfo", "/auth/smart-style.json");

    private static final int PRIORITY = 200;
    private static final String MAX_AGE_SECONDS = "600";

    void register(@Observes Filters filters) {
        filters.register(this::apply, PRIORITY);
    }

    private void apply(RoutingContext context) {
        String origin = context.request().getHeader(HttpHeaders.ORIGIN);
        if (origin == null || !PATHS.contains(context.normalizedPath())) {
            context.next();
            return;
        }
        context.response().putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        if (context.request().method() == HttpMethod.OPTIONS
                && context.request().getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null) {
            context.response()
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type")
                    .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS)
                    .setStatusCode(204)
                    .end();
            return;
        }
        context.next();
    }
}
