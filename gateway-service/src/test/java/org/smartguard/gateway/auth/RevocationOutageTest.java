package org.smartguard.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.revocation.RevocationUnavailable;
import org.smartguard.commons.testing.RedisOutage;
import org.smartguard.commons.testing.RevocableToken;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.commons.tokens.RevokedTokenKeys;
import org.smartguard.gateway.routing.UpstreamServers;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Revocation while the gateway's Redis (a private redis-server, killed mid-test) is down: the auth-service's list
 * (a stand-in server) decides; without a recent enough list, 503 and nothing forwarded; Redis back, Redis decides.
 */
@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
@QuarkusTestResource(value = RedisOutage.class, restrictToAnnotatedClass = true)
@TestProfile(RevocationOutageTest.LongUpstreamTimeout.class)
class RevocationOutageTest {

    public static class LongUpstreamTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // this test is about admission: a slow echo upstream on a loaded machine must not turn 200s into 504s
            return Map.of("smartguard.gateway.upstream.response-timeout", "30s");
        }
    }

    @Inject
    RedisDataSource redis;

    @AfterEach
    void restore() {
        RedisOutage.end();
    }

    /** A fresh token for its own patient, so the polling below never meets that patient's rate limit. */
    private static RevocableToken token() {
        return RevocableToken.sign(TestAuthority.claims("patient/*.rs", Map.of("patient", "p-" + UUID.randomUUID())));
    }

    private static int status(RevocableToken token) {
        return given().auth().oauth2(token.jwt()).when().get("/fhir/Observation").then().extract().statusCode();
    }

    private static String revocationSource() {
        return given().when().get("/q/health/ready").then().extract().path("checks.find { it.name == 'token-revocation' }.data.source");
    }

    @Test
    void whileRedisIsDownTheAuthServicesListDecidesWithoutItRequestsAre503AndRedisDecidesOnceBack() {
        RevocableToken revokedBefore = token();
        RevocableToken revokedDuring = token();
        redis.value(String.class).setex(RevokedTokenKeys.of(revokedBefore.jti()), 300, "revoked");
        revokedBefore.revokeOnList();
        assertEquals(200, status(token()));
        assertEquals(401, status(revokedBefore));
        assertEquals("redis", revocationSource());

        RedisOutage.redis().kill();
        assertEquals(200, status(token()), "a valid token still works: the list says it is not revoked");
        given().auth().oauth2(revokedBefore.jwt()).when().get("/fhir/Observation")
                .then().statusCode(401).body("issue[0].diagnostics", is("the token has been revoked"));
        assertEquals(200, status(revokedDuring));
        assertEquals("local-copy", revocationSource());

        revokedDuring.revokeOnList();
        await("a token revoked during the outage is refused within the refresh interval").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).until(() -> status(revokedDuring) == 401);

        RedisOutage.list().available(false);
        RevocableToken valid = token();
        await("past max staleness without the auth-service, requests are refused").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250)).until(() -> status(valid) == 503);
        UpstreamServers.RECEIVED.clear();
        given().auth().oauth2(valid.jwt()).when().get("/fhir/Observation")
                .then().statusCode(503)
                .contentType("application/fhir+json")
                .body("resourceType", is("OperationOutcome"))
                .body("issue[0].code", is("transient"))
                .body("issue[0].details.text", is(RevocationUnavailable.CODE));
        assertEquals(List.of(), UpstreamServers.RECEIVED, "nothing reached an upstream");
        assertEquals("unavailable", revocationSource());
        given().when().get("/q/health/ready").then()
                .body("checks.find { it.name == 'token-revocation' }.status", is("UP"));

        RedisOutage.redis().start();
        await("Redis decides again once it answers (the list is still unreachable)").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250)).until(() -> status(valid) == 200);
        assertEquals("redis", revocationSource());
    }
}
