package org.smartguard.gateway.routing;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

/**
 * Real HTTP servers standing in for the auth, fhir and audit services: each answers with what it received
 * (method, URI, headers, body size) and records it, so a test can tell which upstream a request reached. A path
 * ending in {@code /silent} is never answered. The auth upstream also publishes the test JWKS. The route {@code /down} points at a port nobody listens on.
 */
public class UpstreamServers implements QuarkusTestResourceLifecycleManager {

    /** Every request an upstream received, as "name METHOD uri". */
    public static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        int auth = echo("auth");
        return Map.of(
                "smartguard.gateway.auth.jwks-uri", "http://127.0.0.1:" + auth + "/auth/jwks",
                "smartguard.gateway.routes.auth.upstream", "http://127.0.0.1:" + auth,
                "smartguard.gateway.routes.fhir.upstream", "http://127.0.0.1:" + echo("fhir"),
                "smartguard.gateway.routes.audit.upstream", "http://127.0.0.1:" + echo("audit"),
                "smartguard.gateway.routes.down.prefix", "/down",
                "smartguard.gateway.routes.down.upstream", "http://127.0.0.1:" + closedPort(),
                "smartguard.gateway.upstream.response-timeout", "1s");
    }

    private int echo(String name) {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            if (request.path().equals("/auth/jwks")) {
                request.response().putHeader("Content-Type", "application/json").end(TestTokens.jwks());
                return;
            }
            RECEIVED.add(name + " " + request.method() + " " + request.uri());
            if (request.path().endsWith("/silent")) {
                return;
            }
            request.body().onSuccess(body -> {
                JsonObject headers = new JsonObject();
                request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
                request.response()
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Connection", "keep-alive, X-Upstream-Private")
                        .putHeader("X-Upstream-Private", "hop-by-hop by Connection")
                        .putHeader("X-Upstream", name)
                        .end(new JsonObject()
                                .put("upstream", name)
                                .put("method", request.method().name())
                                .put("uri", request.uri())
                                .put("headers", headers)
                                .put("bodyBytes", body.length())
                                .encode());
            });
        });
        try {
            return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the " + name + " upstream", e);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
