package org.smartguard.gateway.routing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.smartguard.commons.testing.TestAuthority;

/**
 * What a client gets at each phase of the gateway's shutdown, on raw sockets: before the delay ends a new connection
 * is served; once it has ended (0 s in tests) a new connection is refused, a request on a connection accepted before
 * is answered 503 {@code SG-GW-SHUTTING-DOWN} and its connection closed, and a request under way is answered in full.
 * (During the delay Quarkus answers everything with {@code Connection: close}; after the wait for requests under way
 * its HTTP server closes what is left.)
 */
@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
@TestProfile(ShutdownPhasesTest.OwnApplication.class)
class ShutdownPhasesTest {

    private static final String READER = TestAuthority.patientToken("p1", "patient/*.rs");
    /** How long a socket waits for a byte: far longer than any answer here takes, even on a busy machine. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The test closes the application's listening socket for good: it gets an application of its own. */
    public static class OwnApplication implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the held request waits for the test's steps, which a busy machine may stretch past the tests' 3 s
            return Map.of("smartguard.gateway.upstream.response-timeout", "60s");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    Event<ShutdownDelayInitiatedEvent> shutdown;

    @Test
    void afterTheDelayNewConnectionsAreRefusedAndEveryRequestAlreadyReadIsAnswered() throws IOException {
        String held = "/flaky/held-" + UUID.randomUUID();
        String late = "/flaky/late-" + UUID.randomUUID();
        try (RawHttp.KeepAlive idle = new RawHttp.KeepAlive(port, WAIT); RawHttp.KeepAlive underWay = new RawHttp.KeepAlive(port, WAIT)) {
            idle.send(get("/fhir/Observation"));
            RawHttp.Answer before = idle.read();
            assertEquals(200, before.status(), before.text());
            underWay.send(get(held));
            await("the held request reached its service").atMost(WAIT).until(() -> FlakyUpstream.attempts("GET", held) == 1);

            shutdown.fire(new ShutdownDelayInitiatedEvent());

            await("new connections refused").atMost(WAIT).until(() -> refused(port));
            idle.send(get(late));
            RawHttp.Answer onAcceptedConnection = idle.read();
            assertEquals(503, onAcceptedConnection.status(), onAcceptedConnection.text());
            assertTrue(onAcceptedConnection.text().contains(ShutdownRefusal.CODE), onAcceptedConnection.text());
            assertTrue(onAcceptedConnection.text().contains("Connection: close"), onAcceptedConnection.text());
            assertTrue(idle.closedByServer(), "the connection is closed after the refusal");
            assertEquals(0, FlakyUpstream.attempts("GET", late), "nothing was forwarded");

            FlakyUpstream.release(held);
            RawHttp.Answer finished = underWay.read();
            assertEquals(200, finished.status(), finished.text());
            assertTrue(finished.text().endsWith("{\"ok\":true}"), finished.text());
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + READER + "\r\n\r\n";
    }

    private static boolean refused(int port) throws IOException {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException refused) {
            return true;
        }
    }
}
