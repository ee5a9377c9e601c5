package org.smartguard.fhir.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.revocation.RevocationUnavailable;
import org.smartguard.commons.testing.RedisOutage;
import org.smartguard.commons.testing.RevocableToken;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.commons.tokens.RevokedTokenKeys;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Revocation while the fhir-service's Redis (a private redis-server, killed mid-test) is down: the auth-service's
 * list (a stand-in server) decides; without a recent enough list, 503 and nothing read; Redis back, Redis decides.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
@QuarkusTestResource(value = RedisOutage.class, restrictToAnnotatedClass = true)
class RevocationOutageTest {

    @Inject
    RedisDataSource redis;

    @AfterEach
    void restore() {
        RedisOutage.end();
    }

    private static RevocableToken token() {
        return RevocableToken.sign(TestAuthority.claims("system/Patient.rs"));
    }

    private static int status(RevocableToken token) {
        return given().auth().oauth2(token.jwt()).when().get("/fhir/Patient?_count=1").then().extract().statusCode();
    }

    @Test
    void whileRedisIsDownTheAuthServicesListDecidesWithoutItRequestsAre503AndRedisDecidesOnceBack() {
        RevocableToken revokedBefore = token();
        RevocableToken revokedDuring = token();
        redis.value(String.class).setex(RevokedTokenKeys.of(revokedBefore.jti()), 300, "revoked");
        revokedBefore.revokeOnList();
        assertEquals(200, status(token()));
        assertEquals(401, status(revokedBefore));

        RedisOutage.redis().kill();
        assertEquals(200, status(token()), "a valid token still works: the list says it is not revoked");
        given().auth().oauth2(revokedBefore.jwt()).when().get("/fhir/Patient?_count=1")
                .then().statusCode(401).body("issue[0].diagnostics", is("the token has been revoked"));
        assertEquals(200, status(revokedDuring));
        given().when().get("/q/health/ready").then()
                .body("checks.find { it.name == 'token-revocation' }.data.source", is("local-copy"));

        revokedDuring.revokeOnList();
        await("a token revoked during the outage is refused within the refresh interval").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).until(() -> status(revokedDuring) == 401);

        RedisOutage.list().available(false);
        RevocableToken valid = token();
        await("past max staleness without the auth-service, requests are refused").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250)).until(() -> status(valid) == 503);
        given().auth().oauth2(valid.jwt()).when().get("/fhir/Patient?_count=1")
                .then().statusCode(503)
                .contentType("application/fhir+json")
                .body("resourceType", is("OperationOutcome"))
                .body("issue[0].code", is("transient"))
                .body("issue[0].details.text", is(RevocationUnavailable.CODE))
                .body(not(containsString("Bundle")));
        given().when().get("/q/health/ready").then()
                .body("checks.find { it.name == 'token-revocation' }.status", is("UP"))
                .body("checks.find { it.name == 'token-revocation' }.data.source", is("unavailable"));

        RedisOutage.redis().start();
        await("Redis decides again once it answers (the list is still unreachable)").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250)).until(() -> status(valid) == 200);
    }
}
