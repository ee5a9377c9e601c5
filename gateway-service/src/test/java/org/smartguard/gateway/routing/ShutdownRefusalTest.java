package org.smartguard.gateway.routing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.smartguard.commons.testing.TestAuthority;

/** After the shutdown delay (0 s in tests) a request is answered 503 by the gateway and reaches no service. */
@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
class ShutdownRefusalTest {

    private static final String READER = TestAuthority.patientToken("p1", "patient/*.rs");

    @Inject
    ShutdownRefusal refusal;

    @Test
    void aRequestAfterTheShutdownDelayIs503WithRetryAfterOnAClosingConnectionAndIsNotForwarded() {
        String path = "/flaky/after-delay-" + UUID.randomUUID();
        refusal.delayStarted(new ShutdownDelayInitiatedEvent());
        try {
            given().auth().oauth2(READER).when().get(path)
                    .then().statusCode(503)
                    .header("Retry-After", "1")
                    .header("Connection", "close")
                    .contentType("application/fhir+json")
                    .body("resourceType", is("OperationOutcome"))
                    .body("issue[0].code", is("transient"))
                    .body("issue[0].details.text", is("SG-GW-SHUTTING-DOWN"));
        } finally {
            refusal.serveAgain();
        }
        assertEquals(0, FlakyUpstream.attempts("GET", path), "nothing was forwarded");
        given().auth().oauth2(READER).when().get(path).then().statusCode(200);
    }
}
