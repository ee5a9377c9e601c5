package org.smartguard.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.tokens.RevokedTokenKeys;
import org.smartguard.gateway.routing.UpstreamServers;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.smartguard.commons.testing.TestAuthority;

@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
class BearerAuthenticationTest {

    @Inject
    RedisDataSource redis;

    @BeforeEach
    void forget() {
        UpstreamServers.RECEIVED.clear();
    }

    private static String tokenWithJti(String scope, String jti) {
        JwtClaims claims = TestAuthority.claims(scope);
        claims.setJwtId(jti);
        return TestAuthority.sign(claims);
    }

    private static void nothingReachedAnUpstream() {
        assertEquals(List.of(), UpstreamServers.RECEIVED);
    }

    @Test
    void requestWithoutTokenIs401WithABearerChallengeAndReachesNothing() {
        given().when().get("/fhir/Patient/p1")
                .then().statusCode(401)
                .header("WWW-Authenticate", is("Bearer realm=\"smartguard\""))
                .contentType("application/fhir+json")
                .body("issue[0].code", is("login"))
                .body("issue[0].details.text", is("SG-GW-401-NO-TOKEN"));
        nothingReachedAnUpstream();
    }

    @Test
    void validTokenIsForwardedWithItsAuthorization() {
        String token = TestAuthority.patientToken("p1", "patient/Patient.rs");
        given().auth().oauth2(token).when().get("/fhir/Patient/p1")
                .then().statusCode(200)
                .body("headers.authorization", is("Bearer " + token));
    }

    @Test
    void expiredTokenIs401InvalidTokenSayingWhyWithoutEchoingIt() {
        JwtClaims claims = TestAuthority.claims("patient/*.rs");
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().minusSeconds(600).getEpochSecond()));
        String token = TestAuthority.sign(claims);
        given().auth().oauth2(token).when().get("/fhir/Observation")
                .then().statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("issue[0].diagnostics", is("the token has expired"))
                .body(not(containsString(token.substring(0, 40))));
        nothingReachedAnUpstream();
    }

    @Test
    void tamperedTokenIs401() {
        String token = TestAuthority.systemToken("patient/*.rs");
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        given().auth().oauth2(tampered).when().get("/fhir/Observation")
                .then().statusCode(401)
                .body("issue[0].diagnostics", is("the token's signature is invalid"));
        nothingReachedAnUpstream();
    }

    @Test
    void revokedTokenIsRefusedEvenAfterItWasVerifiedAndCached() {
        String jti = UUID.randomUUID().toString();
        String token = tokenWithJti("patient/*.rs", jti);
        given().auth().oauth2(token).when().get("/fhir/Observation").then().statusCode(200);

        redis.value(String.class).setex(RevokedTokenKeys.of(jti), 60, "revoked");
        UpstreamServers.RECEIVED.clear();

        given().auth().oauth2(token).when().get("/fhir/Observation")
                .then().statusCode(401)
                .body("issue[0].diagnostics", is("the token has been revoked"));
        nothingReachedAnUpstream();
    }

    @Test
    void aRevokedTokenIsToldItIsRevokedBeforeItIsToldItLacksAScope() {
        String jti = UUID.randomUUID().toString();
        String token = tokenWithJti("user/Observation.rs", jti);
        redis.value(String.class).setex(RevokedTokenKeys.of(jti), 60, "revoked");

        given().auth().oauth2(token).when().get("/audit/events")
                .then().statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("issue[0].diagnostics", is("the token has been revoked"));
        nothingReachedAnUpstream();
    }

    @Test
    void tokenInTheQueryStringIsRefused() {
        String token = TestAuthority.systemToken("patient/*.rs");
        given().queryParam("access_token", token).when().get("/fhir/Observation")
                .then().statusCode(400)
                .header("WWW-Authenticate", containsString("error=\"invalid_request\""));
        given().auth().oauth2(token).queryParam("access_token", token).when().get("/fhir/Observation").then().statusCode(400);
        nothingReachedAnUpstream();
    }

    @Test
    void twoAuthorizationHeadersAreRefused() {
        String token = TestAuthority.systemToken("patient/*.rs");
        given().header("Authorization", "Bearer " + token).header("Authorization", "Bearer " + token)
                .when().get("/fhir/Observation")
                .then().statusCode(400)
                .body("issue[0].details.text", is("SG-GW-400-TOKEN-REQUEST"));
        nothingReachedAnUpstream();
    }

    @Test
    void basicCredentialsAreNotABearerToken() {
        given().auth().preemptive().basic("user", "password").when().get("/fhir/Observation").then().statusCode(401);
        nothingReachedAnUpstream();
    }

    @Test
    void auditApiNeedsAScopeThatReadsAuditEvents() {
        given().auth().oauth2(TestAuthority.systemToken("user/Observation.rs")).when().get("/audit/events")
                .then().statusCode(403)
                .header("WWW-Authenticate", containsString("error=\"insufficient_scope\""))
                .body("issue[0].code", is("forbidden"));
        nothingReachedAnUpstream();
        given().auth().oauth2(TestAuthority.systemToken("user/AuditEvent.rs")).when().get("/audit/events").then().statusCode(200);
        given().auth().oauth2(TestAuthority.systemToken("system/AuditEvent.read")).when().get("/audit/events").then().statusCode(200);
    }

    @Test
    void discoveryMetadataAndTheAuthServiceNeedNoToken() {
        given().when().get("/fhir/metadata").then().statusCode(200);
        given().when().get("/fhir/.well-known/smart-configuration").then().statusCode(200);
        given().when().post("/auth/token").then().statusCode(200);
        assertTrue(UpstreamServers.RECEIVED.contains("auth POST /auth/token"));
    }

    @Test
    void theAuditDashboardPagesReachTheAuditServiceWhichSignsBrowsersInItself() {
        given().when().get("/audit/dashboard").then().statusCode(200);
        given().when().get("/audit/dashboard/login").then().statusCode(200);
        assertTrue(UpstreamServers.RECEIVED.contains("audit GET /audit/dashboard"));
        // only the pages: the API next to them still needs a staff token at the gateway
        given().when().get("/audit/dashboardx").then().statusCode(401);
        given().when().get("/audit/AuditEvent").then().statusCode(401);
    }
}
