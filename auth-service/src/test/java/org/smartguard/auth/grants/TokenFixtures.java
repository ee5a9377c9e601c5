package org.smartguard.auth.grants;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.smartguard.auth.clients.ClientType;
import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.auth.token.RefreshToken;
import org.smartguard.auth.users.AppUser;

import io.restassured.common.mapper.TypeRef;
import io.restassured.specification.RequestSpecification;

import static io.restassured.RestAssured.given;

/**
 * Test data for the token lifecycle: uniquely named clients and users, and tokens issued the way a finished
 * authorization would issue them (through {@link TestTokenIssuingResource}, without the authorize flow).
 */
@ApplicationScoped
public class TokenFixtures {

    public static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {
    };
    public static final String PATIENT_SCOPES = "openid fhirUser profile offline_access launch/patient patient/*.rs";

    /** A registered client; {@code secret} is null for a public client. */
    public record Client(String id, String secret) {

        /** A token-endpoint style request authenticated as this client (Basic, or client_id for a public client). */
        public RequestSpecification request() {
            RequestSpecification request = given().contentType("application/x-www-form-urlencoded");
            return secret == null ? request.formParam("client_id", id) : request.auth().preemptive().basic(id, secret);
        }
    }

    @Transactional
    public Client publicClient() {
        return new Client(persistClient(ClientType.PUBLIC, null), null);
    }

    @Transactional
    public Client confidentialClient() {
        String secret = SecureTokens.random();
        return new Client(persistClient(ClientType.CONFIDENTIAL_SYMMETRIC, SecureTokens.hash(secret)), secret);
    }

    /** A patient user {@code Patient/<id>} with a display name. */
    @Transactional
    public AppUser patient() {
        AppUser user = new AppUser();
        user.username = "patient-" + UUID.randomUUID();
        user.passwordHash = "not-used-by-these-tests";
        user.fhirUser = "Patient/" + UUID.randomUUID();
        user.displayName = "Pat " + user.username.substring(8, 16);
        user.persist();
        return user;
    }

    /** The token response of a standalone patient launch that granted {@code scope}. */
    public Map<String, Object> issue(Client client, AppUser user, String scope) {
        return given().contentType("application/x-www-form-urlencoded")
                .formParam("client_id", client.id())
                .formParam("username", user.username)
                .formParam("fhir_user", user.fhirUser)
                .formParam("scope", scope)
                .post("/auth/test-support/issue")
                .then().statusCode(200)
                .extract().as(MAP);
    }

    /** The introspection answer for {@code token}, asked by a confidential client (a resource server). */
    public Map<String, Object> introspect(String token) {
        return confidentialClient().request()
                .formParam("token", token)
                .post("/auth/introspect")
                .then().statusCode(200)
                .extract().as(MAP);
    }

    /** A refresh request of {@code client} (authenticated as {@link Client#request()} does). */
    public RequestSpecification refresh(Client client, String refreshToken) {
        return client.request().formParam("grant_type", "refresh_token").formParam("refresh_token", refreshToken);
    }

    @Transactional
    public RefreshToken refreshRow(String refreshToken) {
        return RefreshToken.findByHash(SecureTokens.hash(refreshToken)).orElseThrow();
    }

    @Transactional
    public void expire(String refreshToken) {
        RefreshToken.findByHash(SecureTokens.hash(refreshToken)).orElseThrow().expiresAt = Instant.now().minusSeconds(1);
    }

    /** How many refresh tokens the client holds, used or not: a refusal must not add one. */
    @Transactional
    public long refreshTokensOf(Client client) {
        return RefreshToken.count("clientId", client.id());
    }

    private static String persistClient(ClientType type, String secretHash) {
        OAuthClient client = new OAuthClient();
        client.clientId = "test-" + type.name().toLowerCase() + "-" + UUID.randomUUID();
        client.name = "test client";
        client.type = type;
        client.secretHash = secretHash;
        client.redirectUris = "http://localhost:9090/callback";
        client.allowedScopes = PATIENT_SCOPES;
        client.grantTypes = "authorization_code refresh_token";
        client.persist();
        return client.clientId;
    }
}
