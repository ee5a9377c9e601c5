package org.smartguard.auth.authorize;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestClient;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestUser;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The login and consent pages: wrong passwords, throttling, refusal, forged or replayed forms. */
@QuarkusTest
class LoginAndConsentTest {

    private static final String SCOPE = "launch/patient openid fhirUser patient/Observation.rs";
    private static final List<String> ALL = List.of("launch/patient", "openid", "fhirUser", "patient/Observation.rs");

    @Inject
    AuthorizeFixtures fixtures;

    @Test
    void wrongPasswordShowsTheLoginPageAgainAndIsAudited() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        BrowserSession browser = new BrowserSession();
        browser.authorize(AuthorizeParams.forClient(client, SCOPE));

        browser.login(patient.username(), "wrong").then().statusCode(200)
                .body(containsString("The username or password is not correct."), containsString("name=\"password\""),
                        not(containsString("name=\"decision\"")));

        AuditTrail.awaitEventContaining(patient.username(), "login-failed");
        browser.login(patient.username(), patient.password()).then().statusCode(200).body(containsString("name=\"decision\""));
        AuditTrail.awaitEventContaining(patient.username(), "\"login\"");
    }

    @Test
    void unknownUserGetsTheSameAnswerAsAWrongPassword() {
        TestClient client = fixtures.publicClient();
        BrowserSession browser = new BrowserSession();
        browser.authorize(AuthorizeParams.forClient(client, SCOPE));

        browser.login("nobody-" + client.id(), "whatever").then().statusCode(200)
                .body(containsString("The username or password is not correct."));
    }

    @Test
    void repeatedFailuresThrottleTheUserEvenWithTheRightPassword() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        for (int attempt = 0; attempt < 5; attempt++) {
            // A fresh address each time: the per-user limit alone must stop the guessing.
            BrowserSession guesser = new BrowserSession();
            guesser.authorize(AuthorizeParams.forClient(client, SCOPE));
            guesser.login(patient.username(), "guess-" + attempt).then().statusCode(200);
        }
        BrowserSession browser = new BrowserSession();
        browser.authorize(AuthorizeParams.forClient(client, SCOPE));

        browser.login(patient.username(), patient.password()).then().statusCode(429)
                .body(containsString("Too many failed sign-in attempts"), not(containsString("name=\"decision\"")));
        AuditTrail.awaitEventContaining(patient.username(), "login-throttled");
    }

    @Test
    void repeatedFailuresFromOneAddressThrottleThatAddressForEveryUsername() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        BrowserSession browser = new BrowserSession();
        browser.authorize(AuthorizeParams.forClient(client, SCOPE));
        for (int attempt = 0; attempt < 20; attempt++) {
            browser.login("sprayed-" + attempt + "-" + patient.username(), "guess").then().statusCode(200);
        }

        browser.login(patient.username(), patient.password()).then().statusCode(429);
    }

    @Test
    void userWhoDeniesSendsAccessDeniedBackWithTheState() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);
        BrowserSession browser = new BrowserSession();
        browser.authorize(params);
        browser.login(patient.username(), patient.password());

        Response redirect = browser.deny();

        redirect.then().statusCode(302).header("Location", startsWith(client.redirectUri() + "?"));
        Map<String, String> answer = BrowserSession.redirectParams(redirect);
        assertEquals("access_denied", answer.get("error"));
        assertEquals(params.get("state"), answer.get("state"));
        assertFalse(answer.containsKey("code"));
        AuditTrail.awaitEventContaining(patient.username(), "access_denied:consent-denied", AuditTrail.subtype("consent-denied"));
    }

    @Test
    void untickingEveryScopeIsADenial() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        BrowserSession browser = new BrowserSession();
        browser.authorize(AuthorizeParams.forClient(client, SCOPE));
        browser.login(patient.username(), patient.password());

        Map<String, String> answer = BrowserSession.redirectParams(browser.approve(List.of()));

        assertEquals("access_denied", answer.get("error"));
        assertFalse(answer.containsKey("code"));
        AuditTrail.awaitEventContaining(patient.username(), "access_denied:nothing-granted", AuditTrail.subtype("consent-denied"));
    }

    @Test
    void aScopeAddedToTheConsentFormIsNotGranted() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);
        BrowserSession browser = new BrowserSession();
        browser.authorize(params);
        browser.login(patient.username(), patient.password());

        Response redirect = browser.approve(List.of("launch/patient", "patient/Observation.rs", "patient/*.cruds"));

        CodeExchange.exchange(client, BrowserSession.redirectParams(redirect).get("code"), params).then().statusCode(200)
                .body("scope", equalTo("launch/patient patient/Observation.rs"));
        // each step of the authorization is its own kind of audit event, told apart by its subtype
        AuditTrail.awaitEventContaining(patient.username(), "\"outcomeDesc\":\"consent-granted\"", AuditTrail.subtype("consent-granted"));
        AuditTrail.awaitEventContaining(patient.username(), "\"outcomeDesc\":\"code-issued\"", AuditTrail.subtype("code-issued"));
        AuditTrail.awaitEventContaining(patient.username(), "\"outcomeDesc\":\"token-issued\"", AuditTrail.subtype("token-issued"));
    }

    @Test
    void consentWithAForgedCsrfTokenIsRefusedWithoutARedirect() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        BrowserSession browser = new BrowserSession();
        browser.authorize(AuthorizeParams.forClient(client, SCOPE));
        browser.login(patient.username(), patient.password());

        browser.withCsrf("forged").approve(ALL).then().statusCode(400).header("Location", nullValue());
    }

    @Test
    void loginWithAForgedCsrfTokenIsRefused() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        BrowserSession browser = new BrowserSession();
        browser.authorize(AuthorizeParams.forClient(client, SCOPE));

        browser.withCsrf("forged").login(patient.username(), patient.password()).then().statusCode(400)
                .body(not(containsString("name=\"decision\"")));
    }

    @Test
    void consentCannotBePostedBeforeLogin() {
        TestClient client = fixtures.publicClient();
        BrowserSession browser = new BrowserSession();
        browser.authorize(AuthorizeParams.forClient(client, SCOPE));

        browser.approve(ALL).then().statusCode(400).header("Location", nullValue());
    }

    @Test
    void consentPostedTwiceYieldsOneCode() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        BrowserSession browser = new BrowserSession();
        browser.authorize(AuthorizeParams.forClient(client, SCOPE));
        Response consentPage = browser.login(patient.username(), patient.password());
        String csrf = consentPage.asString().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");

        browser.approve(ALL).then().statusCode(302);

        browser.withCsrf(csrf).approve(ALL).then().statusCode(400).header("Location", nullValue());
    }

    @Test
    void formsWithoutTheFlowCookieAreRefused() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        BrowserSession browser = new BrowserSession();
        String loginPage = browser.authorize(AuthorizeParams.forClient(client, SCOPE)).asString();
        String csrf = loginPage.replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");

        new BrowserSession().withCsrf(csrf).login(patient.username(), patient.password()).then().statusCode(400);
    }
}
