package org.smartguard.gateway.routing;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.smartguard.commons.testing.TestAuthority;

/**
 * Real HTTP servers standing in for the auth, fhir and audit services: each answers with what it received
 * (method, URI, headers, body size) and records it, so a test can tell which upstream a request reached. A path
 * ending in {@code /silent} is never answered; one ending in {@code /stream} is answered with a body that never ends. A request may ask for response headers: {@code X-Echo-Cache-Control}
 * comes back as {@code Cache-Control}, {@code X-Echo-Cors} makes the service answer its own
 * {@code Access-Control-Allow-Origin: *}. The auth upstream also publishes the test JWKS. The route {@code /down} points at a port nobody listens on.
 * The route {@code /flaky} leads to a {@link FlakyUpstream}, which closes connections before or while answering.
 */
public class UpstreamServers implements QuarkusTestResourceLifecycleManager {

    /** Every request an upstream received, as "name METHOD uri". */
    public static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
    /** Every request whose body an upstream received to its end, as "name METHOD uri". */
    public static final List<String> COMPLETE_BODIES = new CopyOnWriteArrayList<>();
    /** Endless ({@code /stream}) answers whose connection the gateway closed, as "name METHOD uri". */
    public static final List<String> ABANDONED = new CopyOnWriteArrayList<>();

    private Vertx vertx;
    private FlakyUpstream flaky;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        int auth = echo("auth");
        try {
            flaky = new FlakyUpstream();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the flaky upstream", e);
        }
        return Map.ofEntries(
                Map.entry("smartguard.gateway.routes.flaky.prefix", "/flaky"),
                Map.entry("smartguard.gateway.routes.flaky.upstream", "http://127.0.0.1:" + flaky.port()),
                Map.entry("smartguard.gateway.auth.jwks-uri", "http://127.0.0.1:" + auth + "/auth/jwks"),
                Map.entry("smartguard.gateway.routes.auth.upstream", "http://127.0.0.1:" + auth),
                Map.entry("smartguard.gateway.routes.fhir.upstream", "http://127.0.0.1:" + echo("fhir")),
                Map.entry("smartguard.gateway.routes.audit.upstream", "http://127.0.0.1:" + echo("audit")),
                Map.entry("smartguard.gateway.routes.down.prefix", "/down"),
                Map.entry("smartguard.gateway.routes.down.upstream", "http://127.0.0.1:" + closedPort()),
                // long enough for a busy 2-core test machine, short enough for the 504 test not to drag
                Map.entry("smartguard.gateway.upstream.response-timeout", "3s"),
                // each run counts in its own Redis keys, so runs within one window never share a budget
                Map.entry("smartguard.gateway.ratelimit.key-prefix", "test:gateway:ratelimit:" + UUID.randomUUID() + ":"));
    }

    /** A body that never ends: a chunk every 50 ms until the connection closes. */
    private void streamUntilClosed(String name, HttpServerRequest request) {
        String stream = name + " " + request.method() + " " + request.uri();
        HttpServerResponse response = request.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
        long timer = vertx.setPeriodic(50, tick -> response.write("{}\n"));
        request.connection().closeHandler(closed -> {
            vertx.cancelTimer(timer);
            ABANDONED.add(stream);
        });
    }

    private int echo(String name) {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            if (request.path().equals("/auth/jwks")) {
                request.response().putHeader("Content-Type", "application/json").end(TestAuthority.jwksJson());
                return;
            }
            RECEIVED.add(name + " " + request.method() + " " + request.uri());
            if (request.path().endsWith("/silent")) {
                return;
            }
            if (request.path().endsWith("/stream")) {
                streamUntilClosed(name, request);
                return;
            }
            request.body().onSuccess(body -> {
                COMPLETE_BODIES.add(name + " " + request.method() + " " + request.uri());
                JsonObject headers = new JsonObject();
                request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
                if (request.getHeader("X-Echo-Cache-Control") != null) {
                    request.response().putHeader("Cache-Control", request.getHeader("X-Echo-Cache-Control"));
                }
                if (request.getHeader("X-Echo-Cors") != null) {
                    request.response().putHeader("Access-Control-Allow-Origin", "*");
                }
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
        if (flaky != null) {
            try {
                flaky.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
