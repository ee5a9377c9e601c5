package org.smartguard.auth.grants;

import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.auth.grants.BackendServiceFixtures.BackendClient;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.junit.QuarkusTest;

/** Backend clients that publish their keys at a jwks_uri: fetched, cached, refetched on an unknown kid. */
@QuarkusTest
class JwksUriClientTest {

    private static final String SCOPE = "system/Observation.rs";

    @Inject
    BackendServiceFixtures fixtures;

    private HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile String served;
    private volatile int status = 200;
    private volatile String cacheControl = "max-age=300";

    @BeforeEach
    void startJwksServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = served.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Cache-Control", cacheControl);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stopJwksServer() {
        server.stop(0);
    }

    private String jwksUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    }

    private BackendClient clientServing(RsaJsonWebKey... keys) {
        served = BackendServiceFixtures.jwks(keys);
        return new BackendClient(fixtures.clientWithJwksUri(jwksUri(), SCOPE), keys[0]);
    }

    @Test
    void keysAreFetchedOnceThenServedFromTheCache() {
        BackendClient client = clientServing(BackendServiceFixtures.rsaKey());

        BackendServiceFixtures.requestToken(client.assertion(), SCOPE).statusCode(200);
        BackendServiceFixtures.requestToken(client.assertion(), SCOPE).statusCode(200);

        assertEquals(1, fetches.get());
    }

    @Test
    void aRotatedClientKeyIsFoundByOneRefetchAndAnUnknownKidStillFails() {
        RsaJsonWebKey first = BackendServiceFixtures.rsaKey();
        RsaJsonWebKey second = BackendServiceFixtures.rsaKey();
        BackendClient client = clientServing(first);
        BackendServiceFixtures.requestToken(client.assertion(), SCOPE).statusCode(200);

        served = BackendServiceFixtures.jwks(first, second);
        BackendServiceFixtures.requestToken(new BackendClient(client.id(), second).assertion(), SCOPE).statusCode(200);
        assertEquals(2, fetches.get());

        BackendServiceFixtures.requestToken(new BackendClient(client.id(), BackendServiceFixtures.rsaKey()).assertion(), SCOPE)
                .statusCode(401)
                .body("error", is("invalid_client"))
                .body("access_token", nullValue());
        assertEquals(3, fetches.get());
    }

    @Test
    void noStoreJwksIsFetchedForEveryAssertion() {
        cacheControl = "no-store";
        BackendClient client = clientServing(BackendServiceFixtures.rsaKey());

        BackendServiceFixtures.requestToken(client.assertion(), SCOPE).statusCode(200);
        BackendServiceFixtures.requestToken(client.assertion(), SCOPE).statusCode(200);

        assertEquals(2, fetches.get());
    }

    @Test
    void failingJwksUriIsInvalidClient() {
        BackendClient client = clientServing(BackendServiceFixtures.rsaKey());
        status = 500;

        BackendServiceFixtures.requestToken(client.assertion(), SCOPE)
                .statusCode(401)
                .body("error", is("invalid_client"))
                .body("access_token", nullValue());
    }

    @Test
    void jkuHeaderOtherThanTheRegisteredJwksUriIsRefused() {
        BackendClient client = clientServing(BackendServiceFixtures.rsaKey());
        BackendServiceFixtures.requestToken(BackendServiceFixtures.signWithJku(client.claims(), client.key(), "https://attacker.example/jwks.json"), SCOPE)
                .statusCode(401)
                .body("error", is("invalid_client"))
                .body("access_token", nullValue());
    }
}
