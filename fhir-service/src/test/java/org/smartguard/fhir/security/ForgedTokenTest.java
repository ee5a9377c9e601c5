package org.smartguard.fhir.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.smartguard.fhir.TestResources.FHIR_JSON;
import static org.smartguard.fhir.TestResources.create;
import static org.smartguard.fhir.TestResources.observation;
import static org.smartguard.fhir.TestResources.patient;
import static org.smartguard.fhir.TestResources.storedCount;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Supplier;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Issue 4: the service validates the bearer JWT itself (signature against the auth-service's JWKS, iss, aud = the
 * FHIR base, exp, alg), so a request that bypasses the gateway with a forged, foreign or stale token gets nothing.
 * The shared validator has unit tests of its own (AccessTokenValidatorTest); this proves the service is wired to it
 * with the right issuer and audience and that a refused request reads and writes nothing.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class ForgedTokenTest {

    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");
    /** The scope every forged token claims: everything, so only the token's validity can stop it. */
    private static final String ALL = "system/*.cruds";
    private static final String KID = "test-authority-key";

    @Inject
    DataSource database;

    private String owner;
    private String lab;

    @BeforeEach
    void aPatientsObservation() {
        owner = create(ADMIN, "Patient", patient("Forged"));
        lab = create(ADMIN, "Observation", observation(owner, "laboratory"));
    }

    static Stream<Arguments> forgedTokens() {
        return Stream.<Arguments>of(
                forged("expired", () -> TestAuthority.sign(expired())),
                forged("meant for another service", () -> TestAuthority.sign(with("aud", "http://localhost:8080/audit"))),
                forged("issued by another server", () -> TestAuthority.sign(with("iss", "http://evil.example/auth"))),
                forged("signed by another key under the authority's kid", () -> sign(TestAuthority.claims(ALL),
                        anotherKey(), AlgorithmIdentifiers.RSA_USING_SHA256)),
                forged("HS256 keyed with the authority's public key", () -> sign(TestAuthority.claims(ALL),
                        new HmacKey(authorityPublicKey().getEncoded()), AlgorithmIdentifiers.HMAC_SHA256)),
                forged("alg none", () -> b64("{\"alg\":\"none\",\"kid\":\"" + KID + "\"}") + "." + b64(TestAuthority.claims(ALL).toJson()) + "."),
                forged("a narrow token whose payload was widened", ForgedTokenTest::widened));
    }

    private static Arguments forged(String name, Supplier<String> token) {
        return Arguments.of(name, token);
    }

    @Test
    void aValidTokenReadsTheObservation() {
        given().auth().oauth2(TestAuthority.systemToken(ALL)).when().get("/fhir/Observation/" + lab).then().statusCode(200).body("id", is(lab));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgedTokens")
    void aForgedOrForeignTokenIs401AndReadsOrWritesNothing(String name, Supplier<String> forgery) {
        String token = forgery.get();
        long observations = storedCount(database, "Observation");

        refused(given().auth().oauth2(token).when().get("/fhir/Observation/" + lab));
        refused(given().auth().oauth2(token).urlEncodingEnabled(false).when().get("/fhir/Observation?patient=" + owner));
        refused(given().auth().oauth2(token).urlEncodingEnabled(false).when().get("/fhir/Patient/" + owner + "/$everything"));
        refused(given().auth().oauth2(token).contentType(FHIR_JSON).body(observation(owner, "laboratory")).when().post("/fhir/Observation"));
        refused(given().auth().oauth2(token).when().delete("/fhir/Observation/" + lab));

        assertEquals(observations, storedCount(database, "Observation"), "nothing was created");
        given().auth().oauth2(ADMIN).when().get("/fhir/Observation/" + lab).then().statusCode(200).header("ETag", "W/\"1\"");
    }

    /** 401 with the bearer challenge and the service's code, and not a byte of the resource. */
    private void refused(Response response) {
        response.then().statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("resourceType", is("OperationOutcome"))
                .body("issue[0].code", is("login"))
                .body("issue[0].details.text", is("SG-FHIR-401-INVALID-TOKEN"))
                .body("entry", nullValue())
                .body(not(containsString(lab)));
    }

    private static JwtClaims expired() {
        JwtClaims claims = TestAuthority.claims(ALL);
        // beyond the service's 30 s clock skew
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().minusSeconds(120).getEpochSecond()));
        return claims;
    }

    private static JwtClaims with(String claim, String value) {
        JwtClaims claims = TestAuthority.claims(ALL);
        claims.setClaim(claim, value);
        return claims;
    }

    /** A genuine token for Patient read only, its payload swapped for one that claims everything. */
    private static String widened() {
        String[] parts = TestAuthority.systemToken("system/Patient.r").split("\\.");
        return parts[0] + "." + b64(TestAuthority.claims(ALL).toJson()) + "." + parts[2];
    }

    private static String sign(JwtClaims claims, Key key, String algorithm) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(algorithm);
        jws.setKeyIdHeaderValue(KID);
        jws.setHeader("typ", "at+jwt");
        jws.setKey(key);
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Key anotherKey() {
        try {
            return RsaJwkGenerator.generateJwk(2048).getPrivateKey();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Key authorityPublicKey() {
        try {
            return ((PublicJsonWebKey) new JsonWebKeySet(TestAuthority.jwksJson()).getJsonWebKeys().get(0)).getPublicKey();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
