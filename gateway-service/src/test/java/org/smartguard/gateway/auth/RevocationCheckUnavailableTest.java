package org.smartguard.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.commons.revocation.RevocationUnavailable;
import org.smartguard.gateway.routing.UpstreamServers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A Redis that accepts connections and never answers: the denylist lookup cannot say whether the token was revoked,
 * and there is no revocation list to fall back to, so the request is refused (503), never let through unchecked.
 */
@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
@TestProfile(RevocationCheckUnavailableTest.SilentRedisProfile.class)
class RevocationCheckUnavailableTest {

    public static class SilentRedisProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // no revocation list to fall back to either (nothing listens on port 1): the check cannot decide
            return Map.of("smartguard.revocation.redis-timeout", "300ms",
                    "smartguard.revocation.list-uri", "http://127.0.0.1:1/auth/revocations");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SilentRedis.class));
        }
    }

    /** Listens, accepts and reads nothing: every command waits forever. */
    public static class SilentRedis implements QuarkusTestResourceLifecycleManager {

        private ServerSocket server;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        @Override
        public Map<String, String> start() {
            try {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        accepted.add(server.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "silent-redis");
            acceptor.setDaemon(true);
            acceptor.start();
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + server.getLocalPort());
        }

        @Override
        public void stop() {
            try {
                server.close();
                for (Socket socket : accepted) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // the test is over; nothing waits on these sockets
            }
        }
    }

    @Test
    void validTokenIs503WhenTheDenylistCannotBeCheckedAndReachesNothing() {
        UpstreamServers.RECEIVED.clear();
        String token = TestAuthority.patientToken("p1", "patient/Patient.rs");
        given().auth().oauth2(token).when().get("/fhir/Patient/p1")
                .then().statusCode(503)
                .contentType("application/fhir+json")
                .body("issue[0].details.text", is(RevocationUnavailable.CODE))
                .body(not(containsString(token.substring(0, 40))));
        assertEquals(List.of(), UpstreamServers.RECEIVED);
    }
}
