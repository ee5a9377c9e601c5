package org.smartguard.auth.registration;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.smartguard.auth.clients.OAuthClient;

import io.restassured.response.ValidatableResponse;

/** RFC 7591 registration requests built one member at a time, and a look into what got stored. */
@ApplicationScoped
public class RegistrationFixtures {

    public static final String ADMIN_TOKEN = "test-admin-token";
    public static final String REDIRECT_URI = "http://localhost:9090/callback";

    /** Metadata of a public SMART app, with a unique client_name to find it by. */
    public static Map<String, Object> publicApp() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("client_name", "registered-" + UUID.randomUUID());
        metadata.put("token_endpoint_auth_method", "none");
        metadata.put("redirect_uris", List.of(REDIRECT_URI));
        metadata.put("grant_types", List.of("authorization_code", "refresh_token"));
        metadata.put("scope", "openid fhirUser launch/patient patient/*.rs offline_access");
        return metadata;
    }

    /** Metadata of a backend service with an inline JWKS. */
    public static Map<String, Object> backendService(String jwksJson) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("client_name", "registered-backend-" + UUID.randomUUID());
        metadata.put("token_endpoint_auth_method", "private_key_jwt");
        metadata.put("grant_types", List.of("client_credentials"));
        metadata.put("scope", "system/Observation.rs");
        metadata.put("jwks", io.restassured.path.json.JsonPath.from(jwksJson).getMap(""));
        return metadata;
    }

    public static ValidatableResponse register(Map<String, Object> metadata) {
        return given().contentType("application/json").body(metadata).post("/auth/register").then();
    }

    public static ValidatableResponse registerWithToken(Map<String, Object> metadata, String token) {
        return given().contentType("application/json").header("Authorization", "Bearer " + token)
                .body(metadata).post("/auth/register").then();
    }

    @Transactional
    public boolean existsNamed(Object clientName) {
        return OAuthClient.count("name", clientName) > 0;
    }

    @Transactional
    public OAuthClient stored(String clientId) {
        return OAuthClient.findByClientId(clientId).orElseThrow();
    }
}
