package org.smartguard.auth.authorize;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestClient;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Authorization requests that must be refused before anyone logs in. Bad client or redirect URI: an error page and
 * never a redirect. Anything else: a redirect to the registered URI with the RFC 6749 error and the state. In every
 * case no code and no flow cookie.
 */
@QuarkusTest
class AuthorizeRequestRefusalTest {

    private static final String SCOPE = "launch/patient openid fhirUser patient/Observation.rs";

    @Inject
    AuthorizeFixtures fixtures;

    @Test
    void unregisteredRedirectUriGetsAnErrorPageAndNoRedirect() {
        TestClient client = fixtures.publicClient();
        Response page = new BrowserSession().authorize(AuthorizeParams.forClient(client, SCOPE)
                .with("redirect_uri", client.redirectUri() + "/evil"));
        assertErrorPage(page);
    }

    @Test
    void redirectUriThatOnlyStartsLikeARegisteredOneIsNotRegistered() {
        TestClient client = fixtures.publicClient();
        assertErrorPage(new BrowserSession().authorize(AuthorizeParams.forClient(client, SCOPE)
                .with("redirect_uri", "http://app.example/other?next=http://evil.example")));
    }

    @Test
    void unknownClientGetsAnErrorPageAndNoRedirect() {
        TestClient client = fixtures.publicClient();
        assertErrorPage(new BrowserSession().authorize(AuthorizeParams.forClient(client, SCOPE).with("client_id", "no-such-client")));
    }

    @Test
    void missingRedirectUriGetsAnErrorPage() {
        TestClient client = fixtures.publicClient();
        assertErrorPage(new BrowserSession().authorize(AuthorizeParams.forClient(client, SCOPE).without("redirect_uri")));
    }

    @Test
    void missingStateIsRedirectedAsInvalidRequestWithoutState() {
        TestClient client = fixtures.publicClient();
        Map<String, String> answer = refusedWith(client, AuthorizeParams.forClient(client, SCOPE).without("state"), "invalid_request");
        assertFalse(answer.containsKey("state"));
    }

    @Test
    void tokenResponseTypeIsUnsupported() {
        TestClient client = fixtures.publicClient();
        refusedWith(client, AuthorizeParams.forClient(client, SCOPE).with("response_type", "token"), "unsupported_response_type");
    }

    @Test
    void wrongAudienceNeverYieldsACode() {
        TestClient client = fixtures.publicClient();
        refusedWith(client, AuthorizeParams.forClient(client, SCOPE).with("aud", "https://inferno.healthit.gov/invalid_aud"), "invalid_request");
    }

    @Test
    void missingAudienceIsRefused() {
        TestClient client = fixtures.publicClient();
        refusedWith(client, AuthorizeParams.forClient(client, SCOPE).without("aud"), "invalid_request");
    }

    @Test
    void audienceWithATrailingSlashIsTheFhirBase() {
        TestClient client = fixtures.publicClient();
        new BrowserSession().authorize(AuthorizeParams.forClient(client, SCOPE).with("aud", AuthorizeParams.FHIR_BASE + "/"))
                .then().statusCode(200).body(containsString("name=\"password\""));
    }

    @Test
    void missingPkceChallengeIsRefused() {
        TestClient client = fixtures.publicClient();
        refusedWith(client, AuthorizeParams.forClient(client, SCOPE).without("code_challenge").without("code_challenge_method"), "invalid_request");
    }

    @Test
    void plainPkceIsRefused() {
        TestClient client = fixtures.publicClient();
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);
        refusedWith(client, params.with("code_challenge_method", "plain").with("code_challenge", params.verifier()), "invalid_request");
    }

    @Test
    void pkceWithoutAMethodIsRefused() {
        TestClient client = fixtures.publicClient();
        refusedWith(client, AuthorizeParams.forClient(client, SCOPE).without("code_challenge_method"), "invalid_request");
    }

    @Test
    void unknownScopeIsInvalidScope() {
        TestClient client = fixtures.publicClient();
        Map<String, String> answer = refusedWith(client, AuthorizeParams.forClient(client, "openid patient/Observation.sr"), "invalid_scope");
        assertTrue(answer.get("error_description").contains("patient/Observation.sr"), "the refused scope is named");
    }

    @Test
    void scopeOutsideTheClientsAllowedScopesIsInvalidScope() {
        TestClient client = fixtures.publicClientAllowing("openid fhirUser launch/patient patient/Observation.rs");
        Map<String, String> answer = refusedWith(client,
                AuthorizeParams.forClient(client, "launch/patient patient/Observation.rs patient/Condition.rs"), "invalid_scope");
        assertTrue(answer.get("error_description").contains("patient/Condition.rs"), "the refused scope is named");
    }

    @Test
    void wildcardInAllowedScopesCoversNarrowerRequestsOfTheSameContextOnly() {
        TestClient client = fixtures.publicClientAllowing("launch/patient patient/*.rs");
        new BrowserSession().authorize(AuthorizeParams.forClient(client, "launch/patient patient/Observation.read"))
                .then().statusCode(200);
        refusedWith(client, AuthorizeParams.forClient(client, "launch/patient patient/Observation.cruds"), "invalid_scope");
        refusedWith(client, AuthorizeParams.forClient(client, "user/Observation.rs"), "invalid_scope");
    }

    @Test
    void systemScopesAreNotForAUsersAuthorization() {
        TestClient client = fixtures.publicClientAllowing("system/*.rs openid");
        refusedWith(client, AuthorizeParams.forClient(client, "system/Observation.rs"), "invalid_scope");
    }

    @Test
    void repeatedParameterIsInvalidRequest() {
        TestClient client = fixtures.publicClient();
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);
        Response redirect = new BrowserSession().authorizeRepeating(params, "aud", "https://other.example/fhir");
        redirect.then().statusCode(302).header("Location", startsWith(client.redirectUri() + "?"));
        assertEquals("invalid_request", BrowserSession.redirectParams(redirect).get("error"));
    }

    /** Redirected to the registered URI with {@code error}, a description and the state, no code, no cookie. */
    private static Map<String, String> refusedWith(TestClient client, AuthorizeParams params, String error) {
        Response redirect = new BrowserSession().authorize(params);
        redirect.then().statusCode(302)
                .header("Location", startsWith(client.redirectUri() + "?"))
                .header("Cache-Control", containsString("no-store"));
        Map<String, String> answer = BrowserSession.redirectParams(redirect);
        assertEquals(error, answer.get("error"));
        assertFalse(answer.containsKey("code"), "no code on a refusal");
        assertFalse(answer.get("error_description").isBlank());
        if (params.get("state") != null) {
            assertEquals(params.get("state"), answer.get("state"));
        }
        assertNull(pendingCookie(redirect));
        return answer;
    }

    private static void assertErrorPage(Response page) {
        page.then().statusCode(400)
                .header("Location", nullValue())
                .header("Cache-Control", containsString("no-store"))
                .body(containsString("This request cannot continue"));
        assertNull(pendingCookie(page));
    }

    /** The flow cookie a refusal must not start (an empty value is the clearing of one). */
    private static String pendingCookie(Response response) {
        String value = response.getCookie(HtmlResponses.COOKIE);
        return value == null || value.isEmpty() ? null : value;
    }
}
