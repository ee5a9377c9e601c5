package org.smartguard.commons.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.smartguard.commons.tokens.RevokedTokenKeys;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server standing in for the auth-service's {@code GET /auth/revocations}: a test revokes jtis on it, and
 * can make it fail (503) as an unreachable auth-service would.
 */
public final class RevocationListServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Long> revoked = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean available = true;

    public RevocationListServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/auth/revocations", exchange -> {
            requests.incrementAndGet();
            String body = revoked.entrySet().stream()
                    .map(entry -> "{\"jti_sha256\":\"" + entry.getKey() + "\",\"exp\":" + entry.getValue() + "}")
                    .collect(Collectors.joining(",", "{\"revoked\":[", "]}"));
            byte[] bytes = (available ? body : "{\"error\":\"unavailable\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(available ? 200 : 503, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    public void revoke(String jti, long expiresAtEpochSecond) {
        revoked.put(RevokedTokenKeys.hash(jti), expiresAtEpochSecond);
    }

    /** false: every request is answered 503, as when the auth-service is down. */
    public void available(boolean available) {
        this.available = available;
    }

    public int requests() {
        return requests.get();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/auth/revocations");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
