package org.smartguard.auth.authorize;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestClient;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestUser;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** EHR launch: the EHR registers a context with a system token, the app presents the launch value at authorize. */
@QuarkusTest
class EhrLaunchTest {

    private static final String SCOPE = "launch openid fhirUser user/Observation.read patient/Observation.rs";

    @Inject
    AuthorizeFixtures fixtures;

    @Test
    void ehrLaunchBindsTheEhrsPatientEncounterAndContextWithoutABanner() {
        TestClient client = fixtures.publicClient();
        TestUser clinician = fixtures.practitionerUser();
        String patient = "ehr-pat-" + UUID.randomUUID();
        String launch = register(Map.of("patient", patient, "encounter", "enc-1",
                "fhirContext", List.of(Map.of("reference", "DiagnosticReport/dr-1"))))
                .then().statusCode(200).header("Cache-Control", containsString("no-store"))
                .extract().path("launch");
        AuditTrail.awaitEventContaining(patient, "launch-registered", AuditTrail.subtype("launch-registered"));
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE).with("launch", launch);
        BrowserSession browser = new BrowserSession();

        browser.authorize(params).then().statusCode(200);
        browser.login(clinician.username(), clinician.password()).then().statusCode(200)
                .body(containsString("name=\"decision\""), not(containsString("name=\"patient\"")));
        Response redirect = browser.approve(List.of("launch", "openid", "fhirUser", "user/Observation.read", "patient/Observation.rs"));

        CodeExchange.exchange(client, BrowserSession.redirectParams(redirect).get("code"), params).then().statusCode(200)
                .body("patient", equalTo(patient))
                .body("encounter", equalTo("enc-1"))
                .body("fhirContext[0].reference", equalTo("DiagnosticReport/dr-1"))
                .body("need_patient_banner", equalTo(false));
    }

    @Test
    void launchValueCannotBeUsedTwice() {
        TestClient client = fixtures.publicClient();
        String launch = register(AuthorizeFixtures.launchBody("pat-" + UUID.randomUUID())).path("launch");
        new BrowserSession().authorize(AuthorizeParams.forClient(client, SCOPE).with("launch", launch)).then().statusCode(200);

        Response reused = new BrowserSession().authorize(AuthorizeParams.forClient(client, SCOPE).with("launch", launch));

        assertRefusedWithoutCode(reused, "invalid_request");
    }

    @Test
    void unknownLaunchValueIsRefused() {
        TestClient client = fixtures.publicClient();
        assertRefusedWithoutCode(new BrowserSession().authorize(
                AuthorizeParams.forClient(client, SCOPE).with("launch", "made-up")), "invalid_request");
    }

    @Test
    void launchScopeWithoutALaunchValueIsRefused() {
        TestClient client = fixtures.publicClient();
        assertRefusedWithoutCode(new BrowserSession().authorize(AuthorizeParams.forClient(client, SCOPE)), "invalid_request");
    }

    @Test
    void patientUserCannotTakeAnEhrLaunchOfAnotherPatientsRecord() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        String launch = register(AuthorizeFixtures.launchBody("someone-else")).path("launch");
        BrowserSession browser = new BrowserSession();
        browser.authorize(AuthorizeParams.forClient(client, SCOPE).with("launch", launch));

        assertRefusedWithoutCode(browser.login(patient.username(), patient.password()), "access_denied");
        // a refusal, not the user's consent decision
        AuditTrail.awaitEventContaining(patient.username(), "access_denied:launch-patient-mismatch", AuditTrail.subtype("access-denied"));
    }

    @Test
    void registeringALaunchNeedsASystemScope() {
        String userToken = fixtures.systemToken("patient/*.read");

        given().auth().oauth2(userToken).contentType("application/json").body(AuthorizeFixtures.launchBody("p1"))
                .post("/auth/launch")
                .then().statusCode(403)
                .header("WWW-Authenticate", containsString("insufficient_scope"))
                .body("error", equalTo("insufficient_scope"))
                .body("launch", nullValue());
    }

    @Test
    void registeringALaunchNeedsAValidToken() {
        given().contentType("application/json").body(AuthorizeFixtures.launchBody("p1"))
                .post("/auth/launch")
                .then().statusCode(401).header("WWW-Authenticate", containsString("Bearer")).body("launch", nullValue());
        given().auth().oauth2("not-a-token").contentType("application/json").body(AuthorizeFixtures.launchBody("p1"))
                .post("/auth/launch")
                .then().statusCode(401).body("error", equalTo("invalid_token")).body("launch", nullValue());
    }

    @Test
    void launchWithoutAValidPatientIdIsRefused() {
        register(Map.of("encounter", "e1")).then().statusCode(400).body("error", equalTo("invalid_request")).body("launch", nullValue());
        register(AuthorizeFixtures.launchBody("not/an id")).then().statusCode(400).body("launch", nullValue());
        register(Map.of("patient", "p1", "fhirContext", List.of(Map.of("type", "Observation"))))
                .then().statusCode(400).body("launch", nullValue());
    }

    private Response register(Map<String, Object> body) {
        return given().auth().oauth2(fixtures.systemToken("system/*.read")).contentType("application/json").body(body)
                .post("/auth/launch");
    }

    private static void assertRefusedWithoutCode(Response redirect, String error) {
        redirect.then().statusCode(302).header("Location", notNullValue());
        Map<String, String> answer = BrowserSession.redirectParams(redirect);
        assertEquals(error, answer.get("error"));
        assertFalse(answer.containsKey("code"));
    }
}
