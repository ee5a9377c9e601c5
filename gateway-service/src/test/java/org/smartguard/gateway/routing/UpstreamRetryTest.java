package org.smartguard.gateway.routing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.smartguard.commons.testing.TestAuthority;

/**
 * The one retry of a request whose upstream connection closed before any answer byte (a service restarting closes
 * its keep-alive connections), against an upstream that really closes its sockets ({@link FlakyUpstream}).
 */
@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
class UpstreamRetryTest {

    private static final String READER = TestAuthority.patientToken("p1", "patient/*.rs");

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aGetWhoseConnectionClosedBeforeTheAnswerIsSentOnceMoreAndAnswered() {
        String path = "/flaky/close-first-" + UUID.randomUUID();
        given().auth().oauth2(READER).when().get(path)
                .then().statusCode(200).body("ok", is(true));
        assertEquals(2, FlakyUpstream.attempts("GET", path), "the first attempt and one retry");
    }

    @Test
    void aGetWhoseRetryIsClosedUnansweredTooIs503WithRetryAfterAndIsNotSentAThirdTime() {
        String path = "/flaky/close-always-" + UUID.randomUUID();
        given().auth().oauth2(READER).when().get(path)
                .then().statusCode(503)
                .header("Retry-After", "1")
                .contentType("application/fhir+json")
                .body("resourceType", is("OperationOutcome"))
                .body("issue[0].code", is("transient"))
                .body("issue[0].details.text", is("SG-GW-UPSTREAM-UNAVAILABLE"));
        assertEquals(2, FlakyUpstream.attempts("GET", path));
    }

    @Test
    void aDeleteWithoutBodyIsRetriedToo() {
        String path = "/flaky/close-first-" + UUID.randomUUID();
        given().auth().oauth2(READER).when().delete(path).then().statusCode(200);
        assertEquals(2, FlakyUpstream.attempts("DELETE", path));
    }

    @Test
    void aPostIsNeverRetried() {
        String path = "/flaky/close-first-" + UUID.randomUUID();
        given().auth().oauth2(READER).contentType("application/fhir+json").body("{\"resourceType\":\"Patient\"}")
                .when().post(path)
                .then().statusCode(502)
                .contentType("application/fhir+json")
                .body("resourceType", is("OperationOutcome"))
                .body("issue[0].code", is("transient"))
                .body("issue[0].details.text", is("SG-GW-UPSTREAM-FAILED"));
        assertEquals(1, FlakyUpstream.attempts("POST", path), "the service may have acted on it");
    }

    @Test
    void aPutWithABodyIsNotRetriedAsTheBodyWasStreamedNotKept() {
        String path = "/flaky/close-first-" + UUID.randomUUID();
        given().auth().oauth2(READER).contentType("application/fhir+json").body("{\"resourceType\":\"Patient\"}")
                .when().put(path)
                .then().statusCode(502)
                .body("issue[0].details.text", is("SG-GW-UPSTREAM-FAILED"));
        assertEquals(1, FlakyUpstream.attempts("PUT", path));
    }

    @Test
    void aConnectionClosedAfterPartOfTheAnswerIsNotRetriedAndTheClientSeesATruncatedAnswer() throws Exception {
        String path = "/flaky/partial-" + UUID.randomUUID();
        RawHttp.Answer answer = RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + READER + "\r\n\r\n", Duration.ofSeconds(10));
        assertEquals(200, answer.status(), answer.text());
        assertTrue(answer.closed(), "the gateway closes the client's connection rather than end a truncated body");
        String body = answer.text().substring(answer.text().indexOf("\r\n\r\n") + 4);
        assertTrue(body.length() < 100, "never the promised 100 bytes: " + body);
        assertEquals(1, FlakyUpstream.attempts("GET", path), "answer bytes were relayed: no second attempt");
    }
}
