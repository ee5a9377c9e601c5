package org.smartguard.auth.discovery;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.smartguard.auth.grants.TokenFixtures;
import org.smartguard.auth.token.Grant;
import org.smartguard.commons.urls.PublicUrls;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class DiscoveryTest {

    private static final List<String> DOCUMENTS = List.of(
            "/auth/.well-known/openid-configuration", "/auth/.well-known/smart-configuration");

    @Inject
    PublicUrls urls;
    @Inject
    Instance<Grant> grants;
    @Inject
    TokenFixtures fixtures;

    @Test
    void discoveryIsJsonWhateverTheAcceptHeader() {
        for (String document : DOCUMENTS) {
            for (String accept : List.of("application/json", "text/html", "application/fhir+json")) {
                given().accept(accept).get(document)
                        .then().statusCode(200)
                        .contentType(startsWith("application/json"))
                        .body("issuer", is(urls.issuer()));
            }
            given().get(document).then().statusCode(200).contentType(startsWith("application/json"));
        }
    }

    @Test
    void everyEndpointIsAnAbsoluteUrlUnderTheIssuer() {
        for (String document : DOCUMENTS) {
            Map<String, Object> body = given().get(document).then().extract().as(TokenFixtures.MAP);
            List<String> urlKeys = body.keySet().stream().filter(key -> key.endsWith("_endpoint") || key.endsWith("_uri")).toList();
            assertEquals(7, urlKeys.size(), document + " " + urlKeys);
            for (String key : urlKeys) {
                URI url = URI.create((String) body.get(key));
                assertTrue(url.isAbsolute(), key);
                assertTrue(url.toString().startsWith(urls.issuer() + "/"), key);
            }
            assertNull(URI.create((String) body.get("authorization_endpoint")).getQuery(), "the authorize URL has no query");
            assertEquals(urls.auth("/token"), body.get("token_endpoint"));
            assertEquals(urls.auth("/introspect"), body.get("introspection_endpoint"));
        }
    }

    @Test
    void pkceIsS256OnlyAndTheSigningAlgorithmsAreListed() {
        for (String document : DOCUMENTS) {
            Map<String, Object> body = given().get(document).then().extract().as(TokenFixtures.MAP);
            assertEquals(List.of("S256"), body.get("code_challenge_methods_supported"));
            assertEquals(List.of("code"), body.get("response_types_supported"));
            assertEquals(List.of("RS256"), body.get("id_token_signing_alg_values_supported"));
            assertEquals(List.of("RS384", "ES384"), body.get("token_endpoint_auth_signing_alg_values_supported"));
            assertTrue(((List<?>) body.get("token_endpoint_auth_methods_supported")).containsAll(List.of("client_secret_basic", "private_key_jwt")));
            assertFalse(((List<?>) body.get("token_endpoint_auth_methods_supported")).contains("client_secret_post"));
            assertTrue(((List<?>) body.get("scopes_supported")).containsAll(List.of("openid", "fhirUser", "offline_access", "patient/*.rs", "system/*.read")));
        }
    }

    @Test
    void grantTypesAreExactlyTheRegisteredGrants() {
        List<String> registered = grants.stream().map(Grant::grantType).sorted().toList();
        assertTrue(registered.contains("refresh_token"));
        for (String document : DOCUMENTS) {
            assertEquals(registered, given().get(document).then().extract().path("grant_types_supported"));
        }
    }

    @Test
    void smartCapabilitiesAreTheIssuesList() {
        List<String> capabilities = given().get("/auth/.well-known/smart-configuration").then().extract().path("capabilities");

        assertEquals(List.of("launch-ehr", "launch-standalone", "client-public", "client-confidential-symmetric",
                "client-confidential-asymmetric", "context-banner", "context-style", "context-ehr-patient",
                "context-ehr-encounter", "context-standalone-patient", "permission-offline", "permission-online",
                "permission-patient", "permission-user", "permission-v1", "permission-v2", "sso-openid-connect",
                "authorize-post"), capabilities);
        given().get("/auth/.well-known/openid-configuration").then().body("capabilities", nullValue());
    }

    @Test
    void browserEndpointsAnswerCorsAndOthersDoNot() {
        String origin = "https://app.example.org";
        for (String path : List.of(DOCUMENTS.get(0), DOCUMENTS.get(1), "/auth/jwks", "/auth/smart-style.json")) {
            given().header("Origin", origin).get(path)
                    .then().statusCode(200).header("Access-Control-Allow-Origin", is("*"));
        }
        given().header("Origin", origin).contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "refresh_token").formParam("refresh_token", "unknown")
                .post("/auth/token")
                .then().statusCode(400).header("Access-Control-Allow-Origin", is("*"));
        given().header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/auth/token")
                .then().statusCode(204)
                .header("Access-Control-Allow-Origin", is("*"))
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
        given().header("Origin", origin).contentType("application/x-www-form-urlencoded").formParam("token", "x")
                .post("/auth/introspect")
                .then().statusCode(401).header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void theStyleEveryTokenResponsePointsToIsServedAsJson() {
        Map<String, Object> tokens = fixtures.issue(fixtures.publicClient(), fixtures.patient(), TokenFixtures.PATIENT_SCOPES);
        assertEquals(urls.auth("/smart-style.json"), tokens.get("smart_style_url"));

        given().accept("text/html").get("/auth/smart-style.json")
                .then().statusCode(200)
                .contentType(startsWith("application/json"))
                .body("color_background", startsWith("#"))
                .body("color_highlight", startsWith("#"))
                .body("font_family_body", containsString("sans-serif"));
    }
}
