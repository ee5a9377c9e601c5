package org.smartguard.auth.authorize;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;

/**
 * The app's side of the flow in the browser tests: a real HTTP server on 127.0.0.1 whose {@code /callback} records the
 * raw query of the redirect it receives and shows a page, as a SMART app's redirect target would.
 */
final class CallbackApp implements AutoCloseable {

    static final String PAGE_TITLE = "Test app";

    private final HttpServer server;
    private final AtomicReference<String> query = new AtomicReference<>();

    private CallbackApp(HttpServer server) {
        this.server = server;
    }

    static CallbackApp start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CallbackApp app = new CallbackApp(server);
        server.createContext("/callback", exchange -> {
            String raw = exchange.getRequestURI().getRawQuery();
            app.query.compareAndSet(null, raw == null ? "" : raw);
            byte[] page = ("<!DOCTYPE html><title>" + PAGE_TITLE + "</title><p>Signed in.</p>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        server.start();
        return app;
    }

    String redirectUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
    }

    /** The raw query of the first redirect that reached {@code /callback}, if one has. */
    Optional<String> receivedQuery() {
        return Optional.ofNullable(query.get());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
