package org.smartguard.auth.registration;

import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.smartguard.auth.registration.RegistrationFixtures.register;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.Test;
import org.smartguard.auth.authorize.AuditTrail;
import org.smartguard.auth.authorize.AuthorizeFixtures;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestClient;
import org.smartguard.auth.authorize.AuthorizeParams;
import org.smartguard.auth.authorize.CodeExchange;
import org.smartguard.auth.clients.ClientType;
import org.smartguard.auth.grants.BackendServiceFixtures;
import org.smartguard.auth.grants.BackendServiceFixtures.BackendClient;

import io.quarkus.test.junit.QuarkusTest;

/** RFC 7591 registration at /auth/register: what is accepted, and what is refused with nothing stored. */
@QuarkusTest
class DynamicRegistrationTest {

    @Inject
    RegistrationFixtures registrations;
    @Inject
    AuthorizeFixtures authorize;

    @Test
    void publicAppRegistersAndCompletesAStandaloneLaunch() {
        Map<String, Object> metadata = RegistrationFixtures.publicApp();

        String clientId = register(metadata).statusCode(201)
                .header("Cache-Control", "no-store")
                .body("client_id", notNullValue())
                .body("client_id_issued_at", instanceOf(Integer.class))
                .body("client_name", is(metadata.get("client_name")))
                .body("token_endpoint_auth_method", is("none"))
                .body("redirect_uris", is(List.of(RegistrationFixtures.REDIRECT_URI)))
                .body("grant_types", is(List.of("authorization_code", "refresh_token")))
                .body("response_types", is(List.of("code")))
                .body("scope", is(metadata.get("scope")))
                .body("$", not(hasKey("client_secret")))
                .extract().path("client_id");
        assertEquals(ClientType.PUBLIC, registrations.stored(clientId).type);

        TestClient client = new TestClient(clientId, null, RegistrationFixtures.REDIRECT_URI);
        AuthorizeParams params = AuthorizeParams.forClient(client, "launch/patient patient/Observation.rs");
        String code = CodeExchange.obtainCode(params, authorize.patientUser());
        CodeExchange.exchange(client, code, params).then().statusCode(200).body("access_token", notNullValue());
        AuditTrail.awaitEventContaining(clientId, "client-registered");
    }

    @Test
    void unsafeRedirectUrisAreRefusedAndNothingIsStored() {
        for (String uri : List.of("http://app.example/callback", "https://app.example/callback#part", "/callback",
                "https://user:pw@app.example/callback", "javascript:alert(1)")) {
            Map<String, Object> metadata = RegistrationFixtures.publicApp();
            metadata.put("redirect_uris", List.of(uri));

            register(metadata).statusCode(400).body("error", is("invalid_redirect_uri")).body("client_id", nullValue());
            assertFalse(registrations.existsNamed(metadata.get("client_name")), uri);
        }
    }

    @Test
    void authorizationCodeClientWithoutRedirectUriIsRefused() {
        Map<String, Object> metadata = RegistrationFixtures.publicApp();
        metadata.remove("redirect_uris");

        register(metadata).statusCode(400).body("error", is("invalid_redirect_uri"));
        assertFalse(registrations.existsNamed(metadata.get("client_name")));
    }

    @Test
    void jwksHoldingAPrivateKeyIsRefusedAndNothingIsStored() {
        RsaJsonWebKey key = BackendServiceFixtures.rsaKey();
        Map<String, Object> metadata = RegistrationFixtures.backendService(
                new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));

        RegistrationFixtures.registerWithToken(metadata, RegistrationFixtures.ADMIN_TOKEN)
                .statusCode(400)
                .body("error", is("invalid_client_metadata"))
                .body("error_description", is("jwks must not contain private key material"))
                .body("client_id", nullValue());
        assertFalse(registrations.existsNamed(metadata.get("client_name")));
    }

    @Test
    void systemAccessNeedsTheInitialAccessToken() {
        Map<String, Object> metadata = RegistrationFixtures.backendService(BackendServiceFixtures.jwks(BackendServiceFixtures.rsaKey()));

        register(metadata).statusCode(400).body("error", is("invalid_client_metadata"));
        RegistrationFixtures.registerWithToken(metadata, "not-the-admin-token")
                .statusCode(401)
                .header("WWW-Authenticate", notNullValue())
                .body("error", is("invalid_token"));
        assertFalse(registrations.existsNamed(metadata.get("client_name")));
    }

    @Test
    void backendServiceRegisteredWithTheInitialAccessTokenGetsSystemTokens() {
        RsaJsonWebKey key = BackendServiceFixtures.rsaKey();
        Map<String, Object> metadata = RegistrationFixtures.backendService(BackendServiceFixtures.jwks(key));

        String clientId = RegistrationFixtures.registerWithToken(metadata, RegistrationFixtures.ADMIN_TOKEN)
                .statusCode(201)
                .body("token_endpoint_auth_method", is("private_key_jwt"))
                .body("grant_types", is(List.of("client_credentials")))
                .body("jwks.keys", everyItem(not(hasKey("d"))))
                .body("jwks.keys[0].kid", is(key.getKeyId()))
                .extract().path("client_id");

        BackendServiceFixtures.requestToken(new BackendClient(clientId, key).assertion(), "system/Observation.rs")
                .statusCode(200)
                .body("access_token", notNullValue());
    }

    @Test
    void asymmetricUserFacingAppRegistersOpenly() {
        Map<String, Object> metadata = RegistrationFixtures.backendService(BackendServiceFixtures.jwks(BackendServiceFixtures.ecKey()));
        metadata.put("grant_types", List.of("authorization_code"));
        metadata.put("redirect_uris", List.of("https://app.example/callback"));
        metadata.put("scope", "openid fhirUser launch/patient patient/*.rs");

        register(metadata).statusCode(201).body("token_endpoint_auth_method", is("private_key_jwt"));
    }

    @Test
    void mismatchedMetadataIsRefused() {
        Map<String, Object> secretClient = RegistrationFixtures.publicApp();
        secretClient.put("token_endpoint_auth_method", "client_secret_basic");
        Map<String, Object> systemScopeOnPublicApp = RegistrationFixtures.publicApp();
        systemScopeOnPublicApp.put("scope", "system/*.rs");
        Map<String, Object> clientCredentialsOnPublicApp = RegistrationFixtures.publicApp();
        clientCredentialsOnPublicApp.put("grant_types", List.of("client_credentials"));
        Map<String, Object> unknownScope = RegistrationFixtures.publicApp();
        unknownScope.put("scope", "patient/NoSuchType.rs");
        Map<String, Object> keysOnPublicApp = RegistrationFixtures.publicApp();
        keysOnPublicApp.put("jwks_uri", "https://app.example/jwks.json");
        Map<String, Object> plainHttpJwksUri = RegistrationFixtures.backendService(BackendServiceFixtures.jwks(BackendServiceFixtures.rsaKey()));
        plainHttpJwksUri.remove("jwks");
        plainHttpJwksUri.put("jwks_uri", "http://keys.example/jwks.json");
        Map<String, Object> bothKeySources = RegistrationFixtures.backendService(BackendServiceFixtures.jwks(BackendServiceFixtures.rsaKey()));
        bothKeySources.put("jwks_uri", "https://keys.example/jwks.json");
        Map<String, Object> symmetricKey = RegistrationFixtures.backendService("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k\",\"k\":\"c2VjcmV0\"}]}");

        for (Map<String, Object> metadata : List.of(secretClient, systemScopeOnPublicApp, clientCredentialsOnPublicApp, unknownScope,
                keysOnPublicApp, plainHttpJwksUri, bothKeySources, symmetricKey)) {
            RegistrationFixtures.registerWithToken(metadata, RegistrationFixtures.ADMIN_TOKEN)
                    .statusCode(400)
                    .body("error", is("invalid_client_metadata"));
            assertFalse(registrations.existsNamed(metadata.get("client_name")), metadata.toString());
        }
    }
}
