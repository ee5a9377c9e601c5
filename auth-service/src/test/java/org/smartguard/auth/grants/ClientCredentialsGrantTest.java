package org.smartguard.auth.grants;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import jakarta.inject.Inject;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;
import org.smartguard.auth.authorize.AuditTrail;
import org.smartguard.auth.clients.ClientAuthenticator;
import org.smartguard.auth.grants.BackendServiceFixtures.BackendClient;
import org.smartguard.auth.token.AccessTokenVerifier;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** SMART Backend Services: client_credentials with a private_key_jwt assertion, and every way it must be refused. */
@QuarkusTest
class ClientCredentialsGrantTest {

    private static final String SYSTEM_SCOPES = "system/Observation.rs system/Patient.rs";

    @Inject
    BackendServiceFixtures fixtures;
    @Inject
    AccessTokenVerifier accessTokens;
    @Inject
    RedisDataSource redis;

    @Test
    void rs384AssertionGetsAnAccessTokenForTheClientWithoutRefreshToken() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);

        String accessToken = BackendServiceFixtures.requestToken(client.assertion(), "system/Observation.rs")
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .body("token_type", is("Bearer"))
                .body("expires_in", instanceOf(Integer.class))
                .body("scope", is("system/Observation.rs"))
                .body("refresh_token", nullValue())
                .body("id_token", nullValue())
                .extract().path("access_token");

        JwtClaims claims = accessTokens.verify(accessToken).orElseThrow();
        assertEquals(client.id(), claims.getClaimValueAsString("sub"));
        assertEquals(client.id(), claims.getClaimValueAsString("client_id"));
        assertEquals("system/Observation.rs", claims.getClaimValueAsString("scope"));
    }

    @Test
    void es384AssertionIsAcceptedToo() {
        BackendClient client = fixtures.clientWithInlineJwks(SYSTEM_SCOPES, BackendServiceFixtures.ecKey());

        BackendServiceFixtures.requestToken(client.assertion(), SYSTEM_SCOPES)
                .statusCode(200)
                .body("access_token", notNullValue())
                .body("scope", is(SYSTEM_SCOPES));
    }

    @Test
    void wildcardAllowanceCoversSpecificSystemScopes() {
        BackendClient client = fixtures.client("system/*.rs");

        BackendServiceFixtures.requestToken(client.assertion(), "system/Condition.rs system/Encounter.read")
                .statusCode(200)
                .body("scope", is("system/Condition.rs system/Encounter.read"));
    }

    @Test
    void assertionForAnotherAudienceIsRefused() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);
        JwtClaims claims = client.claims();
        claims.setAudience("https://elsewhere.example/token");

        refusedAsInvalidClient(BackendServiceFixtures.sign(claims, client.key()));
    }

    @Test
    void expiredAssertionIsRefusedAndAudited() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);
        JwtClaims claims = client.claims();
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 120));

        refusedAsInvalidClient(BackendServiceFixtures.sign(claims, client.key()));
        AuditTrail.awaitEventContaining(client.id(), "invalid_client:assertion-expired");
    }

    @Test
    void assertionLivingMoreThanFiveMinutesIsRefused() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);
        JwtClaims claims = client.claims();
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + 600));

        refusedAsInvalidClient(BackendServiceFixtures.sign(claims, client.key()));
    }

    @Test
    void assertionWithoutExpIsRefused() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);
        JwtClaims claims = client.claims();
        claims.unsetClaim("exp");

        refusedAsInvalidClient(BackendServiceFixtures.sign(claims, client.key()));
    }

    @Test
    void replayedAssertionIsRefusedButAFreshJtiWorks() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);
        JwtClaims claims = client.claims();
        String assertion = BackendServiceFixtures.sign(claims, client.key());

        BackendServiceFixtures.requestToken(assertion, SYSTEM_SCOPES).statusCode(200);
        refusedAsInvalidClient(assertion);
        BackendServiceFixtures.requestToken(client.assertion(), SYSTEM_SCOPES).statusCode(200);

        long secondsKept = redis.key().ttl("smartguard:assertion-jti:" + client.id() + ":" + claims.getClaimValueAsString("jti"));
        assertTrue(secondsKept > 200 && secondsKept <= 240 + 30, "the jti is kept until the assertion expires, then dropped: " + secondsKept);
    }

    @Test
    void assertionWithoutJtiIsRefused() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);
        JwtClaims claims = client.claims();
        claims.unsetClaim("jti");

        refusedAsInvalidClient(BackendServiceFixtures.sign(claims, client.key()));
    }

    @Test
    void unknownKidIsRefused() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);

        refusedAsInvalidClient(BackendServiceFixtures.sign(client.claims(), client.key().getPrivateKey(), "no-such-kid",
                AlgorithmIdentifiers.RSA_USING_SHA384));
    }

    @Test
    void unsignedAssertionIsRefused() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);

        refusedAsInvalidClient(BackendServiceFixtures.sign(client.claims(), null, client.key().getKeyId(), AlgorithmIdentifiers.NONE));
    }

    @Test
    void hmacSignedAssertionIsRefused() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);
        HmacKey secret = new HmacKey("a shared secret of thirty-two bytes!".getBytes(StandardCharsets.UTF_8));

        refusedAsInvalidClient(BackendServiceFixtures.sign(client.claims(), secret, client.key().getKeyId(), AlgorithmIdentifiers.HMAC_SHA256));
    }

    @Test
    void rs256IsNotAcceptedEvenWithTheRightKey() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);

        refusedAsInvalidClient(BackendServiceFixtures.sign(client.claims(), client.key().getPrivateKey(), client.key().getKeyId(),
                AlgorithmIdentifiers.RSA_USING_SHA256));
    }

    @Test
    void signatureByAnotherKeyIsRefused() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);

        refusedAsInvalidClient(BackendServiceFixtures.sign(client.claims(), BackendServiceFixtures.rsaKey().getPrivateKey(),
                client.key().getKeyId(), AlgorithmIdentifiers.RSA_USING_SHA384));
    }

    @Test
    void es384HeaderNamingAnRsaKeyIsRefused() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);

        refusedAsInvalidClient(BackendServiceFixtures.sign(client.claims(), BackendServiceFixtures.ecKey().getPrivateKey(),
                client.key().getKeyId(), AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384));
    }

    @Test
    void issuerDifferentFromSubjectIsRefused() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);
        JwtClaims claims = client.claims();
        claims.setSubject("someone-else");

        refusedAsInvalidClient(BackendServiceFixtures.sign(claims, client.key()));
    }

    @Test
    void clientIdParameterMustMatchTheAssertion() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);
        BackendClient other = fixtures.client(SYSTEM_SCOPES);

        given().contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", other.id())
                .formParam("client_assertion_type", ClientAuthenticator.JWT_BEARER_ASSERTION)
                .formParam("client_assertion", client.assertion())
                .formParam("scope", SYSTEM_SCOPES)
                .post(BackendServiceFixtures.TOKEN_PATH)
                .then().statusCode(401)
                .body("error", is("invalid_client"))
                .body("access_token", nullValue());
    }

    @Test
    void unregisteredIssuerIsRefused() {
        BackendClient registered = fixtures.client(SYSTEM_SCOPES);
        JwtClaims claims = registered.claims();
        claims.setIssuer("unregistered-" + registered.id());
        claims.setSubject("unregistered-" + registered.id());

        refusedAsInvalidClient(BackendServiceFixtures.sign(claims, registered.key()));
    }

    @Test
    void patientScopeIsNotForBackendServices() {
        BackendClient client = fixtures.client("system/*.rs patient/*.rs");

        refusedAsInvalidScope(BackendServiceFixtures.requestToken(client.assertion(), "patient/Observation.rs"));
    }

    @Test
    void scopeBeyondWhatTheClientMayHaveIsRefused() {
        BackendClient client = fixtures.client("system/Observation.rs");

        refusedAsInvalidScope(BackendServiceFixtures.requestToken(client.assertion(), "system/Patient.rs"));
        refusedAsInvalidScope(BackendServiceFixtures.requestToken(client.assertion(), "system/Observation.cruds"));
    }

    @Test
    void missingOrUnparsableScopeIsRefused() {
        BackendClient client = fixtures.client(SYSTEM_SCOPES);

        refusedAsInvalidScope(BackendServiceFixtures.requestToken(client.assertion(), null));
        refusedAsInvalidScope(BackendServiceFixtures.requestToken(client.assertion(), "system/NotAType.rs"));
    }

    @Test
    void secretClientCannotUseClientCredentials() {
        BackendServiceFixtures.SecretClient client = fixtures.secretClientListingClientCredentials(SYSTEM_SCOPES);

        given().contentType("application/x-www-form-urlencoded")
                .auth().preemptive().basic(client.id(), client.secret())
                .formParam("grant_type", "client_credentials")
                .formParam("scope", SYSTEM_SCOPES)
                .post(BackendServiceFixtures.TOKEN_PATH)
                .then().statusCode(400)
                .body("error", is("unauthorized_client"))
                .body("access_token", nullValue());
    }

    private static void refusedAsInvalidClient(String assertion) {
        BackendServiceFixtures.requestToken(assertion, SYSTEM_SCOPES)
                .statusCode(401)
                .header("Cache-Control", "no-store")
                .body("error", equalTo("invalid_client"))
                .body("error_description", notNullValue())
                .body("access_token", nullValue());
    }

    private static void refusedAsInvalidScope(ValidatableResponse response) {
        response.statusCode(400)
                .body("error", equalTo("invalid_scope"))
                .body("access_token", nullValue());
    }
}
