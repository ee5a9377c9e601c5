package org.smartguard.auth.authorize;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestClient;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestUser;
import org.smartguard.auth.token.AccessTokenVerifier;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** A standalone launch driven over HTTP the way a browser does it: authorize, login, consent, token. */
@QuarkusTest
@QuarkusTestResource(FhirPatientsStub.class)
class StandaloneLaunchTest {

    private static final String SCOPE = "launch/patient openid fhirUser offline_access patient/Observation.rs patient/Condition.rs";

    @Inject
    AuthorizeFixtures fixtures;

    @Inject
    AccessTokenVerifier accessTokens;

    @Test
    void patientLaunchGrantsOnlyTheScopesLeftTickedAndBindsTheirOwnRecord() throws Exception {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);
        BrowserSession browser = new BrowserSession();

        browser.authorize(params).then().statusCode(200)
                .header("Cache-Control", containsString("no-store"))
                .header("X-Frame-Options", "DENY")
                .header("Set-Cookie", containsString("HttpOnly"))
                .header("Set-Cookie", containsString("SameSite=Lax"))
                .header("Set-Cookie", not(containsString("Secure")))
                .body(containsString("name=\"password\""), containsString("name=\"csrf\""));
        browser.login(patient.username(), patient.password()).then().statusCode(200)
                .header("Cache-Control", containsString("no-store"))
                .body(containsString("Read and search your observations"),
                        containsString("Read and search your conditions"),
                        containsString("Stay signed in"),
                        containsString(patient.patientId()));
        Response redirect = browser.approve(List.of("launch/patient", "openid", "fhirUser", "offline_access", "patient/Observation.rs"));

        redirect.then().statusCode(302).header("Location", startsWith(client.redirectUri() + "?"));
        Map<String, String> answer = BrowserSession.redirectParams(redirect);
        assertEquals(params.get("state"), answer.get("state"), "state comes back byte for byte");
        assertTrue(answer.get("code").matches("[A-Za-z0-9._~-]+"), "the code is URL-safe");
        assertFalse(answer.containsKey("error"));

        Response tokens = CodeExchange.exchange(client, answer.get("code"), params);
        tokens.then().statusCode(200)
                .header("Cache-Control", containsString("no-store"))
                .body("token_type", equalTo("Bearer"))
                .body("scope", equalTo("launch/patient openid fhirUser offline_access patient/Observation.rs"))
                .body("patient", equalTo(patient.patientId()))
                .body("need_patient_banner", equalTo(true))
                .body("refresh_token", notNullValue())
                .body("id_token", notNullValue());
        JwtClaims access = accessTokens.verify(tokens.path("access_token")).orElseThrow();
        assertEquals(patient.patientId(), access.getClaimValue("patient"));
        assertFalse(access.getClaimValue("scope").toString().contains("patient/Condition.rs"));
        JwtClaims idToken = new JwtConsumerBuilder().setSkipSignatureVerification().setSkipAllValidators().build()
                .processToClaims(tokens.path("id_token"));
        assertEquals(params.get("nonce"), idToken.getClaimValue("nonce"));
        assertEquals(AuthorizeParams.FHIR_BASE + "/" + patient.fhirUser(), idToken.getClaimValue("fhirUser"));
    }

    @Test
    void authorizeByFormPostBehavesLikeGet() {
        TestClient client = fixtures.publicClient();
        TestUser patient = fixtures.patientUser();
        AuthorizeParams params = AuthorizeParams.forClient(client, "launch/patient patient/Observation.rs");
        BrowserSession browser = new BrowserSession();

        browser.authorizeByPost(params).then().statusCode(200).body(containsString("name=\"password\""));
        browser.login(patient.username(), patient.password()).then().statusCode(200);
        Response redirect = browser.approve(List.of("launch/patient", "patient/Observation.rs"));

        Map<String, String> answer = BrowserSession.redirectParams(redirect);
        assertEquals(params.get("state"), answer.get("state"));
        CodeExchange.exchange(client, answer.get("code"), params).then().statusCode(200)
                .body("patient", equalTo(patient.patientId()))
                .body("refresh_token", nullValue())
                .body("id_token", nullValue());
    }

    @Test
    void practitionerPicksThePatientOfAStandaloneLaunch() {
        TestClient client = fixtures.publicClient();
        TestUser clinician = fixtures.practitionerUser();
        AuthorizeParams params = AuthorizeParams.forClient(client, "launch/patient openid fhirUser patient/*.rs");
        BrowserSession browser = new BrowserSession();

        browser.authorize(params).then().statusCode(200);
        browser.login(clinician.username(), clinician.password()).then().statusCode(200)
                .body(containsString("name=\"query\""));
        FhirPatientsStub.AUTHORIZATIONS.clear();
        browser.searchPatients("Love").then().statusCode(200)
                .body(containsString("Ada Lovelace")).body(containsString("1815-12-10")).body(containsString("value=\"picked-456\""));
        String pickerToken = FhirPatientsStub.AUTHORIZATIONS.get(0).substring("Bearer ".length());
        String claims = new String(Base64.getUrlDecoder().decode(pickerToken.split("\\.")[1]), StandardCharsets.UTF_8);
        assertTrue(claims.contains("\"scope\":\"system/Patient.rs\""), claims);
        browser.searchPatients("Nobody").then().statusCode(200).body(containsString("No patient has a name that starts with that."));
        browser.pickPatient("not a/valid id").then().statusCode(200).body(containsString("That patient could not be found."));
        browser.pickPatient("unknown-789").then().statusCode(200).body(containsString("That patient could not be found."));
        browser.pickPatient("picked-123").then().statusCode(200).body(containsString("picked-123"));
        Response redirect = browser.approve(List.of("launch/patient", "openid", "fhirUser", "patient/*.rs"));

        CodeExchange.exchange(client, BrowserSession.redirectParams(redirect).get("code"), params).then().statusCode(200)
                .body("patient", equalTo("picked-123"))
                .body("need_patient_banner", equalTo(true));
    }

    @Test
    void confidentialClientRedeemsItsCodeWithBasicAuthentication() {
        TestClient client = fixtures.confidentialClient();
        TestUser patient = fixtures.patientUser();
        AuthorizeParams params = AuthorizeParams.forClient(client, "launch/patient patient/Observation.rs");

        String code = CodeExchange.obtainCode(params, patient);

        CodeExchange.exchange(client, code, params).then().statusCode(200).body("patient", equalTo(patient.patientId()));
    }
}
