package org.smartguard.gateway.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.gateway.routing.RawHttp;
import org.smartguard.gateway.routing.UpstreamServers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.smartguard.commons.testing.TestAuthority;

/** Each decision reaches the audit topic (the real broker) through the gateway's spool. */
@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
class GatewayAuditTest {

    private static final String USER_AGENT = "HAPI-FHIR/8.12.1 (FHIR Client; FHIR 4.0.1/R4; apache)";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private AuditTopic topic;

    @BeforeEach
    void openTopic() {
        topic = AuditTopic.fromNow();
    }

    @AfterEach
    void closeTopic() {
        topic.close();
    }

    private static String newRequestId() {
        return "audit-" + UUID.randomUUID();
    }

    private static String subtype(JsonObject event) {
        return event.getJsonArray("subtype").getJsonObject(0).getString("code");
    }

    private static String clientAddress(JsonObject event) {
        return agents(event).stream().map(JsonObject.class::cast)
                .filter(agent -> agent.containsKey("network"))
                .map(agent -> agent.getJsonObject("network").getString("address"))
                .findFirst().orElse(null);
    }

    private static JsonArray agents(JsonObject event) {
        return event.getJsonArray("agent");
    }

    private static boolean mentions(JsonObject event, String reference) {
        return event.getJsonArray("entity").stream().map(JsonObject.class::cast)
                .anyMatch(entity -> entity.containsKey("what") && reference.equals(entity.getJsonObject("what").getString("reference")));
    }

    private static String userAgent(JsonObject event) {
        return event.getJsonArray("entity").stream().map(JsonObject.class::cast)
                .filter(entity -> entity.containsKey("detail"))
                .map(entity -> entity.getJsonArray("detail").getJsonObject(0))
                .filter(detail -> detail.getString("type").equals("User-Agent"))
                .map(detail -> detail.getString("valueString"))
                .findFirst().orElse(null);
    }

    @Test
    void aForwardedRequestIsAuditedWithClientUserAgentPatientAndTheServicesStatus() {
        String patient = "audit-patient-" + UUID.randomUUID();
        String requestId = newRequestId();
        given().auth().oauth2(TestAuthority.patientToken(patient, "patient/*.rs"))
                .header("User-Agent", USER_AGENT).header("X-Request-Id", requestId)
                .when().get("/fhir/Observation?code=8867-4").then().statusCode(200);

        AuditTopic.Received received = topic.awaitEventContaining(requestId);
        JsonObject event = received.event();
        assertEquals(patient, received.key(), "keyed by the patient");
        assertEquals("search-type", subtype(event));
        assertEquals("0", event.getString("outcome"));
        assertEquals("forwarded to fhir: 200", event.getString("outcomeDesc"));
        assertTrue(mentions(event, "Patient/" + patient));
        assertEquals("127.0.0.1", clientAddress(event));
        assertEquals(USER_AGENT, userAgent(event));
        assertTrue(agents(event).encode().contains("test-app"), "the client_id is recorded");
        assertTrue(agents(event).encode().contains("test-subject"), "the subject is recorded");
        assertEquals("gateway-service", event.getJsonObject("source").getJsonObject("observer").getString("display"));
    }

    @Test
    void aMissingTokenIsAuditedAsAccessDenied() {
        String requestId = newRequestId();
        given().header("X-Request-Id", requestId).when().get("/fhir/Patient/audit-p1").then().statusCode(401);

        JsonObject event = topic.awaitEventContaining(requestId).event();
        assertEquals("access-denied", subtype(event));
        assertEquals("4", event.getString("outcome"));
        assertEquals("SG-GW-401-NO-TOKEN (401)", event.getString("outcomeDesc"));
        assertEquals("127.0.0.1", clientAddress(event));
    }

    @Test
    void aThrottledRequestIsAuditedAsRateLimitedForItsPatient() {
        String patient = "audit-patient-" + UUID.randomUUID();
        JwtClaims claims = TestAuthority.claims("patient/*.rs");
        claims.setClaim("client_id", "ratelimit-test");
        claims.setClaim("patient", patient);
        String token = TestAuthority.sign(claims);
        for (int i = 0; i < 5; i++) {
            given().auth().oauth2(token).when().get("/fhir/Observation").then().statusCode(200);
        }
        String requestId = newRequestId();
        given().auth().oauth2(token).header("X-Request-Id", requestId).when().get("/fhir/Observation").then().statusCode(429);

        AuditTopic.Received received = topic.awaitEventContaining(requestId);
        assertEquals("rate-limited", subtype(received.event()));
        assertEquals("SG-GW-429-RATE-LIMIT (429)", received.event().getString("outcomeDesc"));
        assertEquals(patient, received.key());
        assertTrue(mentions(received.event(), "Patient/" + patient));
    }

    @Test
    void aSuspiciousPathIsAuditedAsAccessDenied() throws Exception {
        String requestId = newRequestId();
        RawHttp.Answer answer = RawHttp.exchange(port, "GET /fhir/%2e%2e/audit/x HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: "
                + requestId + "\r\nConnection: close\r\n\r\n", Duration.ofSeconds(10));
        assertEquals(400, answer.status());

        JsonObject event = topic.awaitEventContaining(requestId).event();
        assertEquals("access-denied", subtype(event));
        assertEquals("SG-GW-PATH (400)", event.getString("outcomeDesc"));
    }

    @Test
    void aServiceThatIsDownIsAuditedAsASeriousFailure() {
        String requestId = newRequestId();
        given().auth().oauth2(TestAuthority.patientToken("audit-p2", "patient/*.rs")).header("X-Request-Id", requestId)
                .when().get("/down/anything").then().statusCode(503);

        JsonObject event = topic.awaitEventContaining(requestId).event();
        assertEquals("8", event.getString("outcome"));
        assertEquals("SG-GW-UPSTREAM-UNAVAILABLE (503)", event.getString("outcomeDesc"));
    }
}
