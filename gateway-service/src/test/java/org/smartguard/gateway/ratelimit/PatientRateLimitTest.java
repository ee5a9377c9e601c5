package org.smartguard.gateway.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;
import org.smartguard.gateway.routing.UpstreamServers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.core.Vertx;
import org.smartguard.commons.testing.TestAuthority;

/**
 * Per-patient and per-address budgets through the gateway. The client {@code ratelimit-test} has a budget of 5
 * (%test profile); other clients have the default 100. Every test uses its own patients.
 */
@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
class PatientRateLimitTest {

    private static final String SMALL_CLIENT = "ratelimit-test";
    private static final int SMALL_LIMIT = 5;

    @ConfigProperty(name = "smartguard.gateway.ratelimit.key-prefix")
    String keyPrefix;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private static String newPatient() {
        return "rl-" + UUID.randomUUID();
    }

    private static String smallClientPatientToken(String patient) {
        JwtClaims claims = TestAuthority.claims("patient/*.rs");
        claims.setClaim("client_id", SMALL_CLIENT);
        claims.setClaim("patient", patient);
        claims.setClaim("fhirUser", "Patient/" + patient);
        return TestAuthority.sign(claims);
    }

    private static String smallClientUserToken() {
        JwtClaims claims = TestAuthority.claims("user/*.rs");
        claims.setClaim("client_id", SMALL_CLIENT);
        claims.setSubject("clinician-" + UUID.randomUUID());
        claims.setClaim("fhirUser", "Practitioner/" + claims.getClaimValue("sub"));
        return TestAuthority.sign(claims);
    }

    private static void spendSmallBudget(String token, String path) {
        for (int i = 0; i < SMALL_LIMIT; i++) {
            given().auth().oauth2(token).when().get(path).then().statusCode(200);
        }
    }

    private static long receivedFor(String patient) {
        return UpstreamServers.RECEIVED.stream().filter(line -> line.contains(patient)).count();
    }

    private static void isThrottled(Response response) {
        response.then().statusCode(429)
                .contentType("application/fhir+json")
                .body("resourceType", is("OperationOutcome"))
                .body("issue[0].code", is("throttled"))
                .body("issue[0].details.text", is("SG-GW-429-RATE-LIMIT"));
        long retryAfter = Long.parseLong(response.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After within the window: " + retryAfter);
        assertEquals("0", response.header("RateLimit-Remaining"));
    }

    @Test
    void oneHundredFiftyConcurrentRequestsForOnePatientOnTwoReplicasAdmitExactlyOneHundred() throws Exception {
        String patient = newPatient();
        String token = TestAuthority.patientToken(patient, "patient/*.rs");
        // the gateway has seen this token once (verified and cached), as a busy app's would be; it counts as one
        given().auth().oauth2(token).when().get("/fhir/Observation?patient=" + patient).then().statusCode(200);
        Vertx vertx = Vertx.vertx();
        try {
            // a second gateway replica: the same Lua script on the same Redis, counting the same patient's key
            RedisSlidingWindow otherReplica = new RedisSlidingWindow(
                    SharedSlidingWindowTest.redis(vertx, SharedSlidingWindowTest.options("redis://127.0.0.1:6379")), Duration.ofSeconds(5));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<Integer>> viaGateway = new ArrayList<>();
            List<CompletableFuture<RateDecision>> viaOtherReplica = new ArrayList<>();
            for (int i = 0; i < 75; i++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/Observation?patient=" + patient + "&n=" + i))
                        .header("Authorization", "Bearer " + token).build();
                viaGateway.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode));
                viaOtherReplica.add(otherReplica.admit(keyPrefix + "default:patient:" + patient, 100, Duration.ofMinutes(1)).toCompletionStage().toCompletableFuture());
            }
            CompletableFuture.allOf(viaGateway.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            CompletableFuture.allOf(viaOtherReplica.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            long gatewayAdmitted = viaGateway.stream().filter(status -> status.join() == 200).count();
            long gatewayRefused = viaGateway.stream().filter(status -> status.join() == 429).count();
            long replicaAdmitted = viaOtherReplica.stream().filter(decision -> decision.join().admitted()).count();
            assertEquals(100, 1 + gatewayAdmitted + replicaAdmitted);
            assertEquals(75, gatewayAdmitted + gatewayRefused, "every gateway answer is 200 or 429");
            assertEquals(1 + gatewayAdmitted, receivedFor(patient), "refused requests never reached the upstream");
        } finally {
            vertx.closeAndAwait();
        }
    }

    @Test
    void admittedResponsesCarryTheBudgetAndTheFirstOverIs429WithRetryAfter() {
        String patient = newPatient();
        String token = smallClientPatientToken(patient);
        for (int i = 0; i < SMALL_LIMIT; i++) {
            given().auth().oauth2(token).when().get("/fhir/Observation")
                    .then().statusCode(200)
                    .header("RateLimit-Limit", "5")
                    .header("RateLimit-Remaining", Integer.toString(SMALL_LIMIT - 1 - i))
                    .header("X-RateLimit-Limit", "5")
                    .header("X-RateLimit-Remaining", Integer.toString(SMALL_LIMIT - 1 - i));
        }
        UpstreamServers.RECEIVED.clear();

        isThrottled(given().auth().oauth2(token).when().get("/fhir/Observation?marker=" + patient));
        assertEquals(0, receivedFor(patient));
    }

    @Test
    void aClientSentPatientCannotMoveAPatientTokensBudget() {
        String patient = newPatient();
        String token = smallClientPatientToken(patient);
        for (int i = 0; i < SMALL_LIMIT; i++) {
            given().auth().oauth2(token).header("X-Patient-Context", newPatient()).when().get("/fhir/Observation")
                    .then().statusCode(200);
        }
        isThrottled(given().auth().oauth2(token).header("X-Patient-Context", newPatient()).when().get("/fhir/Observation"));
        isThrottled(given().auth().oauth2(token).when().get("/fhir/Patient/" + newPatient()));
        isThrottled(given().auth().oauth2(token).when().get("/fhir/Observation?patient=" + newPatient()));
    }

    @Test
    void anotherPatientIsUnaffectedByAnExhaustedOne() {
        String exhausted = newPatient();
        spendSmallBudget(smallClientPatientToken(exhausted), "/fhir/Observation");
        isThrottled(given().auth().oauth2(smallClientPatientToken(exhausted)).when().get("/fhir/Observation"));

        given().auth().oauth2(smallClientPatientToken(newPatient())).when().get("/fhir/Observation")
                .then().statusCode(200).header("RateLimit-Remaining", "4");
    }

    @Test
    void aUserTokenSpendsTheBudgetOfThePatientItsRequestNames() {
        String token = smallClientUserToken();
        String patient = newPatient();
        spendSmallBudget(token, "/fhir/Observation?patient=" + patient);

        isThrottled(given().auth().oauth2(token).header("X-Patient-Context", patient).when().get("/fhir/Observation"));
        isThrottled(given().auth().oauth2(token).when().get("/fhir/Patient/" + patient + "/_history"));
        isThrottled(given().auth().oauth2(token).when().get("/fhir/Condition?subject=Patient/" + patient));
        given().auth().oauth2(token).when().get("/fhir/Observation?patient=" + newPatient()).then().statusCode(200);
    }

    @Test
    void aUserTokenNamingNoPatientSpendsItsSubjectsBudget() {
        String token = smallClientUserToken();
        spendSmallBudget(token, "/fhir/Practitioner");

        isThrottled(given().auth().oauth2(token).when().get("/fhir/Organization"));
        given().auth().oauth2(token).when().get("/fhir/Observation?patient=" + newPatient()).then().statusCode(200);
    }

    @Test
    void aRouteWithItsOwnBudgetCountsInItsOwnWindow() {
        JwtClaims claims = TestAuthority.claims("user/AuditEvent.rs user/Observation.rs");
        claims.setSubject("auditor-" + UUID.randomUUID());
        String token = TestAuthority.sign(claims);
        for (int i = 0; i < 10; i++) {
            given().auth().oauth2(token).when().get("/audit/events").then().statusCode(200).header("RateLimit-Limit", "10");
        }
        isThrottled(given().auth().oauth2(token).when().get("/audit/events"));
        given().auth().oauth2(token).when().get("/fhir/Observation").then().statusCode(200).header("RateLimit-Limit", "100");
    }

    @Test
    void tokenAndLoginEndpointsAreLimitedPerClientAddress() {
        // other tests of this run may have called /auth/token from the same address: start from what is left
        int remaining = Integer.parseInt(given().when().post("/auth/token").then().statusCode(200).extract().header("RateLimit-Remaining"));
        for (int i = 0; i < remaining; i++) {
            given().when().post(i % 2 == 0 ? "/auth/authorize/login" : "/auth/token").then().statusCode(200);
        }
        UpstreamServers.RECEIVED.clear();

        isThrottled(given().when().post("/auth/token"));
        isThrottled(given().when().post("/auth/authorize/login"));
        assertEquals(List.of(), UpstreamServers.RECEIVED);
        given().when().get("/auth/.well-known/smart-configuration").then().statusCode(200)
                .header("RateLimit-Limit", (String) null);
    }
}
