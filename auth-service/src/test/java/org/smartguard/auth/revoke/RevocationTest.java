package org.smartguard.auth.revoke;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.smartguard.auth.authorize.AuditTrail;
import org.smartguard.auth.grants.TokenFixtures;
import org.smartguard.auth.grants.TokenFixtures.Client;
import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.auth.token.AccessTokenVerifier;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class RevocationTest {

    private static final Map<String, Object> INACTIVE = Map.of("active", false);

    @Inject
    TokenFixtures fixtures;
    @Inject
    AccessTokenVerifier verifier;

    @Test
    void revokedAccessTokenIsInactiveAndFailsVerificationWhileTheGrantLives() {
        Client app = fixtures.publicClient();
        Map<String, Object> tokens = issue(app);
        String accessToken = (String) tokens.get("access_token");

        app.request().formParam("token", accessToken).formParam("token_type_hint", "access_token").post("/auth/revoke")
                .then().statusCode(200).header("Cache-Control", "no-store");

        assertEquals(INACTIVE, fixtures.introspect(accessToken));
        assertTrue(verifier.verify(accessToken).isEmpty(), "the jti is on the denylist the resource servers consult");
        fixtures.refresh(app, (String) tokens.get("refresh_token")).post("/auth/token").then().statusCode(200);
    }

    @Test
    void revokingARefreshTokenRevokesItsWholeGrant() {
        Client app = fixtures.confidentialClient();
        Map<String, Object> tokens = issue(app);
        String refreshToken = (String) tokens.get("refresh_token");

        app.request().formParam("token", refreshToken).formParam("token_type_hint", "refresh_token").post("/auth/revoke")
                .then().statusCode(200);

        assertNotNull(fixtures.refreshRow(refreshToken).revokedAt);
        assertEquals(INACTIVE, fixtures.introspect(refreshToken));
        assertEquals(INACTIVE, fixtures.introspect((String) tokens.get("access_token")));
        fixtures.refresh(app, refreshToken).post("/auth/token")
                .then().statusCode(400).body("error", is("invalid_grant"));
        AuditTrail.awaitEventContaining("refresh-token-revoked", app.id());
    }

    @Test
    void unknownOrAlreadyRevokedTokensAre200() {
        Client app = fixtures.publicClient();
        String accessToken = (String) issue(app).get("access_token");

        for (String token : List.of(SecureTokens.random(), "not.a.jwt", accessToken, accessToken)) {
            app.request().formParam("token", token).post("/auth/revoke").then().statusCode(200);
        }
    }

    @Test
    void revocationWithoutClientAuthenticationIs401AndRevokesNothing() {
        Client app = fixtures.confidentialClient();
        Map<String, Object> tokens = issue(app);

        for (Object token : List.of(tokens.get("access_token"), tokens.get("refresh_token"))) {
            given().contentType("application/x-www-form-urlencoded").formParam("token", token).post("/auth/revoke")
                    .then().statusCode(401).body("error", is("invalid_client"));
            given().contentType("application/x-www-form-urlencoded").formParam("client_id", app.id())
                    .formParam("token", token).post("/auth/revoke")
                    .then().statusCode(401).body("error", is("invalid_client"));
            given().contentType("application/x-www-form-urlencoded").auth().preemptive().basic(app.id(), "wrong")
                    .formParam("token", token).post("/auth/revoke")
                    .then().statusCode(401).body("error", is("invalid_client"));
        }

        assertEquals(true, fixtures.introspect((String) tokens.get("access_token")).get("active"));
        assertNull(fixtures.refreshRow((String) tokens.get("refresh_token")).revokedAt);
    }

    @Test
    void aClientCannotRevokeAnotherClientsTokens() {
        Client owner = fixtures.publicClient();
        Map<String, Object> tokens = issue(owner);
        Client other = fixtures.publicClient();

        for (Object token : List.of(tokens.get("access_token"), tokens.get("refresh_token"))) {
            other.request().formParam("token", token).post("/auth/revoke")
                    .then().statusCode(400).body("error", is("invalid_grant"));
        }

        assertEquals(true, fixtures.introspect((String) tokens.get("access_token")).get("active"));
        assertNull(fixtures.refreshRow((String) tokens.get("refresh_token")).revokedAt);
        fixtures.refresh(owner, (String) tokens.get("refresh_token")).post("/auth/token").then().statusCode(200);
    }

    @Test
    void missingTokenParameterIsInvalidRequest() {
        fixtures.publicClient().request().post("/auth/revoke")
                .then().statusCode(400).body("error", is("invalid_request"));
    }

    private Map<String, Object> issue(Client app) {
        return fixtures.issue(app, fixtures.patient(), TokenFixtures.PATIENT_SCOPES);
    }
}
