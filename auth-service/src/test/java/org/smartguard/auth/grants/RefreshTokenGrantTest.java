package org.smartguard.auth.grants;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.smartguard.auth.authorize.AuditTrail;
import org.smartguard.auth.grants.TokenFixtures.Client;
import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.auth.users.AppUser;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
class RefreshTokenGrantTest {

    @Inject
    TokenFixtures fixtures;

    @Test
    void refreshWithoutScopeKeepsTheGrantedScopesAndRotatesTheToken() {
        Client client = fixtures.publicClient();
        AppUser user = fixtures.patient();
        Map<String, Object> first = fixtures.issue(client, user, TokenFixtures.PATIENT_SCOPES);
        String used = (String) first.get("refresh_token");

        Response refreshed = fixtures.refresh(client, used).post("/auth/token");

        refreshed.then().statusCode(200)
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache")
                .body("token_type", is("Bearer"))
                .body("expires_in", instanceOf(Integer.class))
                .body("scope", is(TokenFixtures.PATIENT_SCOPES))
                .body("patient", is(user.patientId()))
                .body("id_token", notNullValue())
                .body("access_token", not(first.get("access_token")))
                .body("refresh_token", not(used));
        String successor = refreshed.path("refresh_token");
        assertNotNull(fixtures.refreshRow(used).rotatedAt, "the used token is marked rotated");
        assertNull(fixtures.refreshRow(successor).rotatedAt);
        assertEquals(fixtures.refreshRow(used).familyId, fixtures.refreshRow(successor).familyId, "the successor stays in the family");
        assertEquals(true, fixtures.introspect(refreshed.path("access_token")).get("active"));
    }

    @Test
    void refreshWithTheFullOriginalScopeSucceeds() {
        Client client = fixtures.publicClient();
        String refreshToken = refreshTokenOf(client);

        fixtures.refresh(client, refreshToken).formParam("scope", TokenFixtures.PATIENT_SCOPES).post("/auth/token")
                .then().statusCode(200)
                .body("scope", is(TokenFixtures.PATIENT_SCOPES));
    }

    @Test
    void narrowerScopeIsGrantedWhileTheSuccessorKeepsTheWholeGrant() {
        Client client = fixtures.publicClient();
        String refreshToken = refreshTokenOf(client);

        Response narrowed = fixtures.refresh(client, refreshToken)
                .formParam("scope", "offline_access patient/Observation.read").post("/auth/token");

        narrowed.then().statusCode(200).body("scope", is("offline_access patient/Observation.read"));
        assertEquals("offline_access patient/Observation.read", fixtures.introspect(narrowed.path("access_token")).get("scope"));
        String successor = narrowed.path("refresh_token");
        fixtures.refresh(client, successor).post("/auth/token")
                .then().statusCode(200)
                .body("scope", is(TokenFixtures.PATIENT_SCOPES));
    }

    @Test
    void narrowingAwayOfflineAccessLeavesThePresentedTokenUsable() {
        Client client = fixtures.publicClient();
        String refreshToken = refreshTokenOf(client);

        fixtures.refresh(client, refreshToken).formParam("scope", "patient/*.rs").post("/auth/token")
                .then().statusCode(200)
                .body("scope", is("patient/*.rs"))
                .body("refresh_token", nullValue());

        assertNull(fixtures.refreshRow(refreshToken).rotatedAt, "no successor was issued, so the token is not used up");
        fixtures.refresh(client, refreshToken).post("/auth/token").then().statusCode(200);
    }

    @Test
    void onlineAccessRefreshNeverOutlivesTheOriginalSession() {
        Client client = fixtures.publicClient();
        String first = (String) fixtures.issue(client, fixtures.patient(), "openid fhirUser online_access patient/*.rs")
                .get("refresh_token");

        String successor = fixtures.refresh(client, first).post("/auth/token")
                .then().statusCode(200).extract().path("refresh_token");

        assertEquals(fixtures.refreshRow(first).expiresAt, fixtures.refreshRow(successor).expiresAt);
    }

    @Test
    void widerScopeOnRefreshIsInvalidScopeAndIssuesNothing() {
        Client client = fixtures.publicClient();
        String refreshToken = refreshTokenOf(client);
        long before = fixtures.refreshTokensOf(client);

        for (String wider : List.of(TokenFixtures.PATIENT_SCOPES + " user/*.rs", "patient/*.cruds", "online_access")) {
            fixtures.refresh(client, refreshToken).formParam("scope", wider).post("/auth/token")
                    .then().statusCode(400)
                    .header("Cache-Control", "no-store")
                    .body("error", is("invalid_scope"))
                    .body("access_token", nullValue());
        }

        assertEquals(before, fixtures.refreshTokensOf(client), "no refresh token was issued");
        assertNull(fixtures.refreshRow(refreshToken).rotatedAt, "the presented token was not used up");
        fixtures.refresh(client, refreshToken).post("/auth/token").then().statusCode(200);
    }

    @Test
    void unparseableScopeOnRefreshIsInvalidScope() {
        Client client = fixtures.publicClient();
        String refreshToken = refreshTokenOf(client);

        fixtures.refresh(client, refreshToken).formParam("scope", "patient/NotAResource.rs").post("/auth/token")
                .then().statusCode(400)
                .body("error", is("invalid_scope"))
                .body("access_token", nullValue());
        assertNull(fixtures.refreshRow(refreshToken).rotatedAt);
    }

    @Test
    void publicClientRefreshesWithoutClientId() {
        Client client = fixtures.publicClient();
        String refreshToken = refreshTokenOf(client);

        given().contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refreshToken)
                .post("/auth/token")
                .then().statusCode(200)
                .body("access_token", notNullValue())
                .body("scope", is(TokenFixtures.PATIENT_SCOPES));
    }

    @Test
    void confidentialClientsRefreshTokenNeedsThatClientsAuthentication() {
        Client client = fixtures.confidentialClient();
        String refreshToken = refreshTokenOf(client);
        long before = fixtures.refreshTokensOf(client);

        given().contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refreshToken)
                .post("/auth/token")
                .then().statusCode(401)
                .body("error", is("invalid_client"))
                .body("access_token", nullValue());
        given().contentType("application/x-www-form-urlencoded").auth().preemptive().basic(client.id(), "wrong-secret")
                .formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refreshToken)
                .post("/auth/token")
                .then().statusCode(401)
                .body("error", is("invalid_client"));
        assertEquals(before, fixtures.refreshTokensOf(client));
        assertNull(fixtures.refreshRow(refreshToken).rotatedAt);

        fixtures.refresh(client, refreshToken).post("/auth/token").then().statusCode(200);
    }

    @Test
    void anotherClientsRefreshTokenIsInvalidGrantAndStaysUsable() {
        Client owner = fixtures.publicClient();
        String refreshToken = refreshTokenOf(owner);

        for (Client other : List.of(fixtures.publicClient(), fixtures.confidentialClient())) {
            fixtures.refresh(other, refreshToken).post("/auth/token")
                    .then().statusCode(400)
                    .body("error", is("invalid_grant"))
                    .body("access_token", nullValue());
            assertEquals(0, fixtures.refreshTokensOf(other));
        }

        assertNull(fixtures.refreshRow(refreshToken).rotatedAt);
        fixtures.refresh(owner, refreshToken).post("/auth/token").then().statusCode(200);
    }

    @Test
    void reusingARotatedRefreshTokenRevokesTheWholeFamily() {
        Client client = fixtures.publicClient();
        Map<String, Object> first = fixtures.issue(client, fixtures.patient(), TokenFixtures.PATIENT_SCOPES);
        String used = (String) first.get("refresh_token");
        Response second = fixtures.refresh(client, used).post("/auth/token");
        second.then().statusCode(200);
        String newestAccess = second.path("access_token");
        String newestRefresh = second.path("refresh_token");

        fixtures.refresh(client, used).post("/auth/token")
                .then().statusCode(400)
                .body("error", is("invalid_grant"))
                .body("access_token", nullValue());

        fixtures.refresh(client, newestRefresh).post("/auth/token")
                .then().statusCode(400)
                .body("error", is("invalid_grant"));
        assertEquals(Map.of("active", false), fixtures.introspect(newestAccess));
        assertEquals(Map.of("active", false), fixtures.introspect((String) first.get("access_token")));
        assertEquals(Map.of("active", false), fixtures.introspect(newestRefresh));
        assertNotNull(fixtures.refreshRow(newestRefresh).revokedAt);
        AuditTrail.awaitEventContaining(RefreshTokenGrant.REUSE_CODE, client.id(), "\"outcome\":\"8\"");
    }

    @Test
    void unknownOrExpiredRefreshTokenIsInvalidGrant() {
        Client client = fixtures.publicClient();
        String expired = refreshTokenOf(client);
        fixtures.expire(expired);
        long before = fixtures.refreshTokensOf(client);

        for (String token : List.of(SecureTokens.random(), expired)) {
            fixtures.refresh(client, token).post("/auth/token")
                    .then().statusCode(400)
                    .body("error", is("invalid_grant"))
                    .body("access_token", nullValue());
        }
        assertEquals(before, fixtures.refreshTokensOf(client));
        assertNull(fixtures.refreshRow(expired).rotatedAt);
    }

    @Test
    void missingRefreshTokenIsInvalidRequest() {
        Client client = fixtures.publicClient();

        client.request().formParam("grant_type", "refresh_token").post("/auth/token")
                .then().statusCode(400)
                .body("error", is("invalid_request"))
                .body("access_token", nullValue());
    }

    @Test
    void concurrentRefreshesOfOneTokenLetExactlyOneSucceed() throws Exception {
        Client client = fixtures.publicClient();
        String refreshToken = refreshTokenOf(client);
        CyclicBarrier start = new CyclicBarrier(2);

        CompletableFuture<Response> one = CompletableFuture.supplyAsync(() -> refreshAfter(start, client, refreshToken));
        CompletableFuture<Response> two = CompletableFuture.supplyAsync(() -> refreshAfter(start, client, refreshToken));
        List<Response> responses = List.of(one.get(30, TimeUnit.SECONDS), two.get(30, TimeUnit.SECONDS));

        List<Integer> statuses = responses.stream().map(Response::statusCode).sorted().toList();
        assertEquals(List.of(200, 400), statuses);
        Response loser = responses.stream().filter(response -> response.statusCode() == 400).findFirst().orElseThrow();
        assertEquals("invalid_grant", loser.path("error"));
    }

    private Response refreshAfter(CyclicBarrier start, Client client, String refreshToken) {
        try {
            start.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return fixtures.refresh(client, refreshToken).post("/auth/token");
    }

    private String refreshTokenOf(Client client) {
        return (String) fixtures.issue(client, fixtures.patient(), TokenFixtures.PATIENT_SCOPES).get("refresh_token");
    }
}
