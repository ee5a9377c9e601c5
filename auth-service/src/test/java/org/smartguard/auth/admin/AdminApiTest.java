package org.smartguard.auth.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.auth.authorize.AuthorizeFixtures;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestClient;
import org.smartguard.auth.authorize.AuthorizeParams;
import org.smartguard.auth.authorize.CodeExchange;
import org.smartguard.auth.grants.BackendServiceFixtures;
import org.smartguard.auth.registration.RegistrationFixtures;
import org.smartguard.auth.users.PasswordHasher;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** The admin API: only with the admin credential; secrets shown once; users, clients and signing keys managed. */
@QuarkusTest
class AdminApiTest {

    @Inject
    RegistrationFixtures registrations;
    @Inject
    AuthorizeFixtures authorize;
    @Inject
    BackendServiceFixtures backends;
    @Inject
    PasswordHasher passwords;
    @Inject
    StoredUsers users;

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + RegistrationFixtures.ADMIN_TOKEN).contentType("application/json");
    }

    private static Map<String, Object> secretClient() {
        Map<String, Object> metadata = RegistrationFixtures.publicApp();
        metadata.put("token_endpoint_auth_method", "client_secret_basic");
        return metadata;
    }

    private static Map<String, Object> newUser(String username) {
        return Map.of("username", username, "password", "correct horse battery", "fhir_user", "Practitioner/" + username,
                "display_name", "Dr " + username);
    }

    @Test
    void callsWithoutTheAdminCredentialAreRefusedAndChangeNothing() {
        Map<String, Object> client = secretClient();
        String username = "admin-test-" + UUID.randomUUID();
        List<RequestSpecification> strangers = List.of(
                given(),
                given().header("Authorization", "Bearer wrong-token"),
                given().header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("admin:test-admin-token".getBytes())),
                given().header("Authorization", "Bearer " + RegistrationFixtures.ADMIN_TOKEN + "x"));

        for (RequestSpecification stranger : strangers) {
            stranger.contentType("application/json").body(client).post("/auth/admin/clients")
                    .then().statusCode(401)
                    .header("WWW-Authenticate", containsString("Bearer"))
                    .header("Cache-Control", "no-store")
                    .body("error", is("invalid_token"));
            stranger.contentType("application/json").body(newUser(username)).post("/auth/admin/users").then().statusCode(401);
            stranger.get("/auth/admin/clients").then().statusCode(401).body("error", is("invalid_token"));
            stranger.post("/auth/admin/keys/rotate").then().statusCode(401).body("kid", org.hamcrest.Matchers.nullValue());
        }
        assertFalse(registrations.existsNamed(client.get("client_name")));
        assertFalse(users.exists(username));
    }

    @Test
    void secretClientGetsItsSecretOnceStoredOnlyAsHashAndCanCompleteALaunch() {
        Map<String, Object> metadata = secretClient();

        Map<String, Object> created = admin().body(metadata).post("/auth/admin/clients")
                .then().statusCode(201)
                .header("Cache-Control", "no-store")
                .body("token_endpoint_auth_method", is("client_secret_basic"))
                .body("client_secret_expires_at", is(0))
                .extract().as(new io.restassured.common.mapper.TypeRef<Map<String, Object>>() {
                });
        String clientId = (String) created.get("client_id");
        String secret = (String) created.get("client_secret");
        assertTrue(secret.length() >= 43, "256 random bits");

        String storedHash = registrations.stored(clientId).secretHash;
        assertTrue(SecureTokens.matches(secret, storedHash));
        assertNotEquals(secret, storedHash);
        admin().get("/auth/admin/clients/" + clientId).then().statusCode(200)
                .body("client_id", is(clientId))
                .body("$", not(hasKey("client_secret")))
                .body(not(containsString(secret)));
        admin().get("/auth/admin/clients").then().statusCode(200)
                .body("client_id", hasItem(clientId))
                .body(not(containsString(secret)))
                .body(not(containsString(storedHash)));

        TestClient client = new TestClient(clientId, secret, RegistrationFixtures.REDIRECT_URI);
        AuthorizeParams params = AuthorizeParams.forClient(client, "launch/patient patient/Observation.rs");
        String code = CodeExchange.obtainCode(params, authorize.patientUser());
        CodeExchange.exchange(client, code, params).then().statusCode(200).body("access_token", notNullValue());
    }

    @Test
    void clientIdChosenByTheAdminIsUniqueAndMetadataCanBeReplacedButNotItsAuthMethod() {
        String clientId = "admin-chosen-" + UUID.randomUUID();
        Map<String, Object> metadata = RegistrationFixtures.publicApp();
        metadata.put("client_id", clientId);
        admin().body(metadata).post("/auth/admin/clients").then().statusCode(201).body("client_id", is(clientId));
        admin().body(metadata).post("/auth/admin/clients").then().statusCode(409).body("error", is("invalid_client_metadata"));

        metadata.put("redirect_uris", List.of("https://app.example/new-callback"));
        admin().body(metadata).put("/auth/admin/clients/" + clientId)
                .then().statusCode(200).body("redirect_uris", is(List.of("https://app.example/new-callback")));
        assertEquals("https://app.example/new-callback", registrations.stored(clientId).redirectUris);

        metadata.put("token_endpoint_auth_method", "client_secret_basic");
        admin().body(metadata).put("/auth/admin/clients/" + clientId).then().statusCode(400).body("error", is("invalid_client_metadata"));
        assertEquals("https://app.example/new-callback", registrations.stored(clientId).redirectUris);
    }

    @Test
    void deletedClientIsGone() {
        String clientId = admin().body(RegistrationFixtures.publicApp()).post("/auth/admin/clients").then().statusCode(201)
                .extract().path("client_id");

        admin().delete("/auth/admin/clients/" + clientId).then().statusCode(204);

        admin().get("/auth/admin/clients/" + clientId).then().statusCode(404).body("error", is("invalid_request"));
        admin().delete("/auth/admin/clients/" + clientId).then().statusCode(404);
        given().contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "authorization_code").formParam("client_id", clientId)
                .formParam("code", "whatever").formParam("redirect_uri", RegistrationFixtures.REDIRECT_URI)
                .post("/auth/token").then().statusCode(401).body("error", is("invalid_client"));
    }

    @Test
    void userIsCreatedWithAHashedPasswordThatIsNeverShown() {
        String username = "admin-test-" + UUID.randomUUID();

        admin().body(newUser(username)).post("/auth/admin/users").then().statusCode(201)
                .body("username", is(username))
                .body("fhir_user", is("Practitioner/" + username))
                .body("$", not(hasKey("password")))
                .body("$", not(hasKey("password_hash")))
                .body(not(containsString("correct horse battery")));

        assertTrue(passwords.matches("correct horse battery", users.passwordHash(username)));
        admin().body(newUser(username)).post("/auth/admin/users").then().statusCode(409);
    }

    @Test
    void invalidUsersAreRefused() {
        String username = "admin-test-" + UUID.randomUUID();
        for (Map<String, Object> user : List.<Map<String, Object>>of(
                Map.of("username", username, "password", "correct horse battery", "fhir_user", "Organization/x"),
                Map.of("username", username, "password", "short", "fhir_user", "Patient/x"),
                Map.of("username", username + " with space", "password", "correct horse battery", "fhir_user", "Patient/x"))) {
            admin().body(user).post("/auth/admin/users").then().statusCode(400).body("error", is("invalid_request"));
        }
        assertFalse(users.exists(username));
    }

    /** A system token of a new backend client (client_credentials, private_key_jwt). */
    private String clientCredentialsToken() {
        BackendServiceFixtures.BackendClient client = backends.client("system/Patient.rs");
        return BackendServiceFixtures.requestToken(client.assertion(), "system/Patient.rs").statusCode(200)
                .extract().path("access_token");
    }

    private static String kidOf(String jwt) {
        String header = new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), java.nio.charset.StandardCharsets.UTF_8);
        return io.restassured.path.json.JsonPath.from(header).getString("kid");
    }

    @Test
    void keyRotationSignsWithTheKeyPublishedAheadAndPublishesTheNextBesideTheRetiredOne() {
        String previousKid = kidOf(clientCredentialsToken());
        List<String> publishedBefore = given().get("/auth/jwks").then().statusCode(200).extract().path("keys.kid");

        String newKid = admin().post("/auth/admin/keys/rotate").then().statusCode(200)
                .body("kid", notNullValue()).extract().path("kid");

        assertNotEquals(previousKid, newKid);
        assertTrue(publishedBefore.contains(newKid), "the new signing key was published before the rotation: " + publishedBefore);
        assertEquals(newKid, kidOf(clientCredentialsToken()), "tokens are signed with the new key at once");
        List<String> publishedAfter = given().get("/auth/jwks").then().statusCode(200).extract().path("keys.kid");
        assertTrue(publishedAfter.containsAll(List.of(newKid, previousKid)), "the retired key stays published: " + publishedAfter);
        assertTrue(publishedAfter.stream().anyMatch(kid -> !publishedBefore.contains(kid)), "a new next key is published: " + publishedAfter);
    }
}
