package org.smartguard.gateway.routing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.smartguard.commons.testing.TestAuthority;

@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
class ProxyRouterTest {

    private static final String READER = TestAuthority.patientToken("p1", "patient/*.rs");
    private static final String AUDITOR = TestAuthority.systemToken("user/AuditEvent.rs");

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void forwardsEachPrefixToItsServiceWithPathAndQueryUnchanged() {
        given().urlEncodingEnabled(false).auth().oauth2(READER).when().get("/fhir/Observation?patient=p1&code=http://loinc.org%7C8867-4")
                .then().statusCode(200)
                .body("upstream", is("fhir"))
                .body("method", is("GET"))
                .body("uri", is("/fhir/Observation?patient=p1&code=http://loinc.org%7C8867-4"));
        given().when().get("/auth/.well-known/openid-configuration").then().statusCode(200).body("upstream", is("auth"));
        given().auth().oauth2(AUDITOR).when().get("/audit").then().statusCode(200).body("upstream", is("audit"));
    }

    @Test
    void streamsARequestBodyThroughWhole() {
        byte[] body = new byte[5 * 1024 * 1024];
        given().auth().oauth2(READER).contentType("application/fhir+json").body(body)
                .when().post("/fhir/Bundle")
                .then().statusCode(200).body("bodyBytes", is(body.length));
    }

    @Test
    void setsForwardingHeadersAndDropsWhatTheClientMustNotSet() {
        given().auth().oauth2(READER).header("X-Forwarded-For", "6.6.6.6")
                .header("Forwarded", "for=6.6.6.6")
                .header("X-FHIR-Patient", "someone-else")
                .header("X-Request-Id", "bad id\twith tab")
                .header("Proxy-Authorization", "Basic c2VjcmV0")
                .header("Connection", "keep-alive, X-Secret-Hop")
                .header("X-Secret-Hop", "must not cross")
                .header("X-App-Header", "kept")
                .when().get("/fhir/Patient/p1")
                .then().statusCode(200)
                .body("headers.x-forwarded-for", is("127.0.0.1"))
                .body("headers.x-forwarded-proto", is("http"))
                .body("headers.forwarded", matchesPattern("for=\"127\\.0\\.0\\.1\";proto=http;host=\".+\""))
                .body("headers.x-fhir-patient", nullValue())
                .body("headers.proxy-authorization", nullValue())
                .body("headers.x-secret-hop", nullValue())
                .body("headers.x-app-header", is("kept"))
                .body("headers.x-request-id", matchesPattern("[0-9a-f-]{36}"))
                .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void keepsAWellFormedRequestIdAndDropsUpstreamHopByHopHeaders() {
        given().header("X-Request-Id", "trace-123").when().get("/fhir/metadata")
                .then().statusCode(200)
                .header("X-Request-Id", "trace-123")
                .header("X-Upstream", "fhir")
                .header("X-Upstream-Private", nullValue())
                .body("headers.x-request-id", is("trace-123"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/fhir/../audit/x", "/fhir/%2e%2e/audit/x", "/fhir/%252e%252e/audit/x", "/fhir/..%2faudit",
            "//audit/x", "/fhir;x=y/Patient", "/fhir/Patient;jsessionid=1", "/fhir\\..\\audit", "/fhir/./Patient",
            "/fhir/%2F/audit", "/audit%2f..%2ffhir/x"})
    void suspiciousPathsAreRefusedAndReachNoService(String attack) throws Exception {
        UpstreamServers.RECEIVED.clear();
        assertEquals(400, RawHttp.status(port, "GET", attack), attack);
        assertEquals(List.of(), UpstreamServers.RECEIVED, "nothing reached an upstream for " + attack);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/FHIR/Patient", "/fhirx/Patient", "/", "/other"})
    void pathsOfNoRouteAre404(String path) throws Exception {
        UpstreamServers.RECEIVED.clear();
        assertEquals(404, RawHttp.status(port, "GET", path), path);
        assertTrue(UpstreamServers.RECEIVED.isEmpty());
    }

    @Test
    void anUpstreamThatRefusesTheConnectionIs503WithRetryAfterAsOperationOutcome() {
        given().auth().oauth2(READER).when().get("/down/anything")
                .then().statusCode(503)
                .header("Retry-After", "1")
                .contentType("application/fhir+json")
                .body("resourceType", is("OperationOutcome"))
                .body("issue[0].code", is("transient"))
                .body("issue[0].details.text", is("SG-GW-UPSTREAM-UNAVAILABLE"));
    }

    @Test
    void anUpstreamThatDoesNotAnswerIs504AsOperationOutcome() {
        given().auth().oauth2(READER).when().get("/fhir/silent")
                .then().statusCode(504)
                .body("issue[0].code", is("timeout"))
                .body("issue[0].details.text", is("SG-GW-UPSTREAM-TIMEOUT"));
    }

    @Test
    void quarkusHealthStaysOnTheGatewayItself() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"))
                .header("X-Upstream", not("fhir"));
    }

    @Test
    void aClientThatLeavesMidAnswerStopsTheUpstream() throws Exception {
        String uri = "/fhir/stream?client=" + UUID.randomUUID();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + uri + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + READER + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] start = socket.getInputStream().readNBytes(12);
            assertEquals("HTTP/1.1 200", new String(start, StandardCharsets.ISO_8859_1));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertTrue(UpstreamServers.ABANDONED.contains("fhir GET " + uri), "the gateway closed its upstream connection"));
    }
}
