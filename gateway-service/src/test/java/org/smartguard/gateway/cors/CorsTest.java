package org.smartguard.gateway.cors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.gateway.routing.UpstreamServers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.smartguard.commons.testing.TestAuthority;

/** %test allows https://app.example.org (with credentials) and lists {@code null}, which must still never match. */
@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
class CorsTest {

    private static final String APP = "https://app.example.org";
    private static final String READER = TestAuthority.patientToken("cors-patient", "patient/*.rs");

    @BeforeEach
    void forget() {
        UpstreamServers.RECEIVED.clear();
    }

    private static Response preflight(String origin, String method, String headers) {
        var request = given().header("Origin", origin).header("Access-Control-Request-Method", method);
        if (headers != null) {
            request.header("Access-Control-Request-Headers", headers);
        }
        return request.when().options("/fhir/Observation");
    }

    private static void refusedPreflight(Response response) {
        response.then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue())
                .header("Access-Control-Allow-Methods", nullValue())
                .body("issue[0].code", is("forbidden"))
                .body("issue[0].details.text", is("SG-GW-403-CORS"));
        assertEquals(List.of(), UpstreamServers.RECEIVED, "a preflight never reaches a service");
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredAtTheGatewayWithoutAToken() {
        preflight(APP, "GET", "authorization, content-type")
                .then().statusCode(204)
                .header("Access-Control-Allow-Origin", APP)
                .header("Access-Control-Allow-Credentials", "true")
                .header("Access-Control-Allow-Methods", containsString("GET"))
                .header("Access-Control-Allow-Headers", containsString("Authorization"))
                .header("Access-Control-Max-Age", "600")
                .header("Vary", containsString("Origin"));
        assertTrue(UpstreamServers.RECEIVED.isEmpty(), "answered at the gateway");
    }

    @Test
    void aPreflightFromAnotherOriginIsRefusedWithoutCorsHeaders() {
        refusedPreflight(preflight("https://evil.example.com", "GET", null));
    }

    @Test
    void originNullIsNeverAllowedEvenWhenListed() {
        refusedPreflight(preflight("null", "GET", null));
        given().auth().oauth2(READER).header("Origin", "null").when().get("/fhir/Observation")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue());
    }

    @Test
    void aPreflightAskingForAMethodOrHeaderNotAllowedIsRefused() {
        refusedPreflight(preflight(APP, "TRACE", null));
        refusedPreflight(preflight(APP, "GET", "authorization, x-internal-secret"));
    }

    @Test
    void anAllowedOriginGetsItselfBackWithCredentialsReplacingTheServicesAnswer() {
        given().auth().oauth2(READER).header("Origin", APP).header("X-Echo-Cors", "1").when().get("/fhir/Observation")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", APP)
                .header("Access-Control-Allow-Credentials", "true")
                .header("Vary", containsString("Origin"));
        Response response = given().auth().oauth2(READER).header("Origin", APP).header("X-Echo-Cors", "1").when().get("/fhir/Observation");
        assertEquals(List.of(APP), response.headers().getValues("Access-Control-Allow-Origin"));
    }

    @Test
    void anArbitraryOriginIsNeverReflected() {
        given().auth().oauth2(READER).header("Origin", "https://evil.example.com").when().get("/fhir/Observation")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue());
    }

    @Test
    void refusalsToAnAllowedOriginCarryCorsSoTheAppCanReadThem() {
        given().header("Origin", APP).when().get("/fhir/Observation")
                .then().statusCode(401)
                .header("Access-Control-Allow-Origin", APP);
    }
}
