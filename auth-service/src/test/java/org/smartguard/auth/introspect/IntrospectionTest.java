package org.smartguard.auth.introspect;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;
import org.smartguard.auth.grants.TokenFixtures;
import org.smartguard.auth.grants.TokenFixtures.Client;
import org.smartguard.auth.keys.TokenSigner;
import org.smartguard.auth.token.AccessTokenVerifier;
import org.smartguard.auth.token.RevokedTokens;
import org.smartguard.auth.users.AppUser;
import org.smartguard.commons.urls.PublicUrls;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class IntrospectionTest {

    private static final Map<String, Object> INACTIVE = Map.of("active", false);

    @Inject
    TokenFixtures fixtures;
    @Inject
    PublicUrls urls;
    @Inject
    TokenSigner signer;
    @Inject
    RevokedTokens revokedTokens;
    @Inject
    AccessTokenVerifier verifier;

    @Test
    void activeAccessTokenIntrospectsWithItsClaimsAndLaunchContext() {
        AppUser user = fixtures.patient();
        Client app = fixtures.publicClient();
        Map<String, Object> tokens = fixtures.issue(app, user, TokenFixtures.PATIENT_SCOPES);

        Map<String, Object> answer = fixtures.confidentialClient().request()
                .formParam("token", tokens.get("access_token"))
                .post("/auth/introspect")
                .then().statusCode(200)
                .header("Cache-Control", "no-store")
                .contentType(containsString("application/json"))
                .extract().as(TokenFixtures.MAP);

        assertEquals(true, answer.get("active"));
        assertEquals(TokenFixtures.PATIENT_SCOPES, answer.get("scope"));
        assertEquals(app.id(), answer.get("client_id"));
        assertEquals(user.username, answer.get("sub"));
        assertEquals(urls.issuer(), answer.get("iss"));
        assertEquals(urls.fhirBase(), answer.get("aud"));
        assertEquals(user.patientId(), answer.get("patient"));
        assertEquals(urls.fhirBase() + "/" + user.fhirUser, answer.get("fhirUser"));
        assertEquals("Bearer", answer.get("token_type"));
        assertEquals(((Number) tokens.get("expires_in")).longValue(),
                ((Number) answer.get("exp")).longValue() - ((Number) answer.get("iat")).longValue(),
                "exp is consistent with expires_in");
    }

    @Test
    void unusedRefreshTokenIsActiveAndAUsedOneIsNot() {
        AppUser user = fixtures.patient();
        Client app = fixtures.publicClient();
        String refreshToken = (String) fixtures.issue(app, user, TokenFixtures.PATIENT_SCOPES).get("refresh_token");

        Map<String, Object> answer = fixtures.introspect(refreshToken);
        assertEquals(true, answer.get("active"));
        assertEquals(app.id(), answer.get("client_id"));
        assertEquals(user.username, answer.get("sub"));
        assertEquals(TokenFixtures.PATIENT_SCOPES, answer.get("scope"));

        fixtures.refresh(app, refreshToken).post("/auth/token").then().statusCode(200);
        assertEquals(INACTIVE, fixtures.introspect(refreshToken));
    }

    @Test
    void expiredRevokedTamperedAndUnknownTokensAreInactive() {
        String live = accessToken();
        String revoked = accessToken();
        JwtClaims revokedClaims = verifier.verify(revoked).orElseThrow();
        revokedTokens.revoke(revokedClaims.getClaimValueAsString("jti"), Instant.now().plusSeconds(300));
        String tampered = live.substring(0, live.length() - 4) + (live.endsWith("AAAA") ? "BBBB" : "AAAA");

        for (String token : List.of(expiredAccessToken(), revoked, tampered, "garbage", UUID.randomUUID().toString())) {
            assertEquals(INACTIVE, fixtures.introspect(token), token);
        }
        assertEquals(true, fixtures.introspect(live).get("active"), "the untampered original is still active");
    }

    @Test
    void unauthenticatedCallersGet401AndLearnNothing() {
        String token = accessToken();
        Client publicClient = fixtures.publicClient();
        Client confidential = fixtures.confidentialClient();

        given().contentType("application/x-www-form-urlencoded").formParam("token", token).post("/auth/introspect")
                .then().statusCode(401).body("error", is("invalid_client")).body("active", nullValue());
        publicClient.request().formParam("token", token).post("/auth/introspect")
                .then().statusCode(401).body("error", is("invalid_client")).body("active", nullValue());
        given().contentType("application/x-www-form-urlencoded").auth().preemptive().basic(confidential.id(), "wrong")
                .formParam("token", token).post("/auth/introspect")
                .then().statusCode(401).body("error", is("invalid_client")).body("active", nullValue());
    }

    @Test
    void bearerCallersMayIntrospectOnlyAsAdminOrConfidentialClient() {
        String token = accessToken();
        String confidentialToken = (String) fixtures.issue(fixtures.confidentialClient(), fixtures.patient(), "patient/*.rs")
                .get("access_token");
        String publicToken = (String) fixtures.issue(fixtures.publicClient(), fixtures.patient(), "patient/*.rs")
                .get("access_token");

        for (String caller : List.of("test-admin-token", confidentialToken)) {
            given().contentType("application/x-www-form-urlencoded").auth().oauth2(caller)
                    .formParam("token", token).post("/auth/introspect")
                    .then().statusCode(200).body("active", is(true));
        }
        for (String caller : List.of(publicToken, "not-the-admin-token")) {
            given().contentType("application/x-www-form-urlencoded").auth().oauth2(caller)
                    .formParam("token", token).post("/auth/introspect")
                    .then().statusCode(401)
                    .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                    .body("error", is("invalid_token"))
                    .body("active", nullValue());
        }
    }

    @Test
    void missingTokenParameterIsInvalidRequest() {
        fixtures.confidentialClient().request().post("/auth/introspect")
                .then().statusCode(400).body("error", is("invalid_request")).body("active", nullValue());
    }

    private String accessToken() {
        return (String) fixtures.issue(fixtures.publicClient(), fixtures.patient(), TokenFixtures.PATIENT_SCOPES).get("access_token");
    }

    /** Well-formed and signed by our current key, but expired beyond the verifier's clock skew. */
    private String expiredAccessToken() {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(urls.issuer());
        claims.setAudience(urls.fhirBase());
        claims.setSubject("someone");
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAt(NumericDate.fromSeconds(Instant.now().minusSeconds(900).getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().minusSeconds(600).getEpochSecond()));
        claims.setClaim("client_id", "some-client");
        claims.setClaim("scope", "patient/*.rs");
        return signer.sign(claims, TokenSigner.ACCESS_TOKEN_TYPE);
    }
}
