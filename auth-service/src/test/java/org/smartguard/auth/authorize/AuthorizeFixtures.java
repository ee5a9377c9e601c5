package org.smartguard.auth.authorize;

import static io.restassured.RestAssured.given;

import java.time.Duration;
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
import org.smartguard.auth.users.PasswordHasher;

import io.quarkus.redis.datasource.RedisDataSource;

/**
 * Test data for the authorization flow: uniquely named clients and users (so tests never share state), system
 * tokens for the EHR, and direct access to the Redis records a test must age.
 */
@ApplicationScoped
public class AuthorizeFixtures {

    public static final String ALLOWED_SCOPES =
            "openid fhirUser profile offline_access online_access launch launch/patient launch/encounter patient/*.* user/*.read";

    /** A registered client; {@code secret} is null for a public client. */
    public record TestClient(String id, String secret, String redirectUri) {
    }

    /** A user and the password to type. */
    public record TestUser(String username, String password, String fhirUser) {

        public String patientId() {
            return fhirUser.startsWith("Patient/") ? fhirUser.substring("Patient/".length()) : null;
        }
    }

    private final PasswordHasher passwords;
    private final RedisDataSource redis;

    AuthorizeFixtures(PasswordHasher passwords, RedisDataSource redis) {
        this.passwords = passwords;
        this.redis = redis;
    }

    @Transactional
    public TestClient publicClient() {
        return persistClient(ClientType.PUBLIC, null, ALLOWED_SCOPES, appExampleRedirectUris());
    }

    @Transactional
    public TestClient publicClientAllowing(String allowedScopes) {
        return persistClient(ClientType.PUBLIC, null, allowedScopes, appExampleRedirectUris());
    }

    /** A public client whose only redirect URI is {@code redirectUri}: an app the test serves itself. */
    @Transactional
    public TestClient publicClientRedirectingTo(String redirectUri) {
        return persistClient(ClientType.PUBLIC, null, ALLOWED_SCOPES, redirectUri);
    }

    @Transactional
    public TestClient confidentialClient() {
        String secret = SecureTokens.random();
        TestClient client = persistClient(ClientType.CONFIDENTIAL_SYMMETRIC, SecureTokens.hash(secret), ALLOWED_SCOPES,
                appExampleRedirectUris());
        return new TestClient(client.id(), secret, client.redirectUri());
    }

    @Transactional
    public TestUser patientUser() {
        return persistUser("patient", "Patient/pat-" + UUID.randomUUID());
    }

    @Transactional
    public TestUser practitionerUser() {
        return persistUser("clinician", "Practitioner/prac-" + UUID.randomUUID());
    }

    /** An EHR's backend-services access token (the client_credentials grant is tested elsewhere). */
    public String systemToken(String scope) {
        return given().contentType("application/x-www-form-urlencoded").formParam("scope", scope)
                .post("/auth/test-support/system-token")
                .then().statusCode(200).extract().path("access_token");
    }

    /** Lets Redis expire the code now, as its lifetime would: the key gets a 1 ms time to live. */
    public void expireCode(String code) {
        redis.key().pexpire(AuthorizationCodes.key(code), Duration.ofMillis(1));
    }

    public boolean codeExists(String code) {
        return redis.key().exists(AuthorizationCodes.key(code));
    }

    /** Whether the refresh token was revoked (a replayed code revokes its whole family). */
    @Transactional
    public boolean refreshTokenRevoked(String refreshToken) {
        return RefreshToken.findByHash(SecureTokens.hash(refreshToken)).orElseThrow().revokedAt != null;
    }

    /** Refresh tokens ever issued to the client: a refused exchange must not add one. */
    @Transactional
    public long refreshTokensOf(String clientId) {
        return RefreshToken.count("clientId", clientId);
    }

    /** A unique first URI (the one the tests use) and a second one, newline-separated as stored. */
    private static String appExampleRedirectUris() {
        return "http://app.example/callback/" + UUID.randomUUID() + "\nhttp://app.example/other";
    }

    private static TestClient persistClient(ClientType type, String secretHash, String allowedScopes, String redirectUris) {
        OAuthClient client = new OAuthClient();
        client.clientId = "authz-" + type.name().toLowerCase() + "-" + UUID.randomUUID();
        client.name = "Test App " + client.clientId.substring(client.clientId.length() - 6);
        client.type = type;
        client.secretHash = secretHash;
        client.redirectUris = redirectUris;
        client.allowedScopes = allowedScopes;
        client.grantTypes = "authorization_code refresh_token";
        client.createdAt = Instant.now();
        client.persist();
        return new TestClient(client.clientId, null, client.redirectUriList().get(0));
    }

    private TestUser persistUser(String kind, String fhirUser) {
        AppUser user = new AppUser();
        user.username = kind + "-" + UUID.randomUUID();
        String password = "pw-" + UUID.randomUUID();
        user.passwordHash = passwords.hash(password);
        user.fhirUser = fhirUser;
        user.displayName = kind;
        user.persist();
        return new TestUser(user.username, password, fhirUser);
    }

    /** The JSON body of {@code POST /auth/launch}. */
    static Map<String, Object> launchBody(String patient) {
        return Map.of("patient", patient);
    }
}
