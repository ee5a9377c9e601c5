package org.smartguard.auth.grants;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.smartguard.auth.authorize.AuditTrail;
import org.smartguard.auth.authorize.AuthorizeFixtures;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestClient;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestUser;
import org.smartguard.auth.authorize.AuthorizeParams;
import org.smartguard.auth.authorize.CodeExchange;
import org.smartguard.auth.token.AccessTokenVerifier;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * {@code grant_type=authorization_code}: codes from a real authorize flow, redeemed once, by their own client, with
 * their redirect URI and PKCE verifier. Every refusal is 400 invalid_grant and issues nothing.
 */
@QuarkusTest
class AuthorizationCodeGrantTest {

    private static final String SCOPE = "launch/patient openid fhirUser offline_access patient/Observation.rs";

    @Inject
    AuthorizeFixtures fixtures;

    @Inject
    AccessTokenVerifier accessTokens;

    @Test
    void replayedCodeIsRefusedAndRevokesWhatTheFirstExchangeIssued() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);
        String code = CodeExchange.obtainCode(params, patient);
        Response first = CodeExchange.exchange(client, code, params);
        first.then().statusCode(200);
        String accessToken = first.path("access_token");
        String refreshToken = first.path("refresh_token");
        assertTrue(accessTokens.verify(accessToken).isPresent());

        assertInvalidGrant(CodeExchange.exchange(client, code, params));

        assertFalse(accessTokens.verify(accessToken).isPresent(), "the first access token is revoked");
        assertTrue(fixtures.refreshTokenRevoked(refreshToken), "the first refresh token is revoked");
        assertEquals(1, fixtures.refreshTokensOf(client.id()), "the replay issued nothing");
        AuditTrail.awaitEventContaining(client.id(), "invalid_grant:code-replayed");
    }

    @Test
    void unknownCodeIsInvalidGrant() {
        TestClient client = fixtures.publicClient();
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);

        assertInvalidGrant(CodeExchange.exchange(client, "BAD_CODE", params));
        assertEquals(0, fixtures.refreshTokensOf(client.id()));
    }

    @Test
    void wrongVerifierIsInvalidGrantAndUsesTheCodeUp() {
        TestClient client = fixtures.publicClient();
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);
        String code = CodeExchange.obtainCode(params, fixtures.patientUser());

        assertInvalidGrant(CodeExchange.exchange(client, code, params.get("redirect_uri"), "x".repeat(43)));

        assertInvalidGrant(CodeExchange.exchange(client, code, params));
        assertEquals(0, fixtures.refreshTokensOf(client.id()));
    }

    @Test
    void challengeSentAsVerifierIsInvalidGrant() {
        TestClient client = fixtures.publicClient();
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);
        String code = CodeExchange.obtainCode(params, fixtures.patientUser());

        assertInvalidGrant(CodeExchange.exchange(client, code, params.get("redirect_uri"), params.get("code_challenge")));
        assertEquals(0, fixtures.refreshTokensOf(client.id()));
    }

    @Test
    void missingVerifierIsInvalidGrant() {
        TestClient client = fixtures.publicClient();
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);
        String code = CodeExchange.obtainCode(params, fixtures.patientUser());

        assertInvalidGrant(CodeExchange.exchange(client, code, params.get("redirect_uri"), null));
        assertEquals(0, fixtures.refreshTokensOf(client.id()));
    }

    @Test
    void codeRedeemedByAnotherClientIsInvalidGrant() {
        TestClient owner = fixtures.publicClient();
        TestClient other = fixtures.publicClient();
        AuthorizeParams params = AuthorizeParams.forClient(owner, SCOPE);
        String code = CodeExchange.obtainCode(params, fixtures.patientUser());

        assertInvalidGrant(CodeExchange.exchange(other, code, params));
        assertEquals(0, fixtures.refreshTokensOf(other.id()));
        assertEquals(0, fixtures.refreshTokensOf(owner.id()));
    }

    @Test
    void redirectUriDifferentFromTheAuthorizationRequestsIsInvalidGrant() {
        TestClient client = fixtures.publicClient();
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);
        String code = CodeExchange.obtainCode(params, fixtures.patientUser());

        assertInvalidGrant(CodeExchange.exchange(client, code, "http://app.example/other", params.verifier()));
        assertEquals(0, fixtures.refreshTokensOf(client.id()));
    }

    @Test
    void expiredCodeIsInvalidGrant() {
        TestClient client = fixtures.publicClient();
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);
        String code = CodeExchange.obtainCode(params, fixtures.patientUser());
        fixtures.expireCode(code);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !fixtures.codeExists(code));

        assertInvalidGrant(CodeExchange.exchange(client, code, params));
        assertEquals(0, fixtures.refreshTokensOf(client.id()));
    }

    @Test
    void confidentialClientsCodeCannotBeRedeemedAsAPublicClient() {
        TestClient confidential = fixtures.confidentialClient();
        AuthorizeParams params = AuthorizeParams.forClient(confidential, SCOPE);
        String code = CodeExchange.obtainCode(params, fixtures.patientUser());

        CodeExchange.exchange(new TestClient(confidential.id(), null, confidential.redirectUri()), code, params)
                .then().statusCode(401).body("error", equalTo("invalid_client")).body("access_token", nullValue());
        assertEquals(0, fixtures.refreshTokensOf(confidential.id()));
    }

    private static void assertInvalidGrant(Response response) {
        response.then().statusCode(400)
                .body("error", equalTo("invalid_grant"))
                .body("access_token", nullValue())
                .body("refresh_token", nullValue());
    }
}
