package org.smartguard.gateway.routing;

import java.time.Instant;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/** Access tokens signed by a key made for this test run (never committed), as the auth-service would issue them. */
public final class TestTokens {

    private static final RsaJsonWebKey KEY = generate();

    private TestTokens() {
    }

    static String jwks() {
        return new JsonWebKeySet(KEY).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** A valid patient-context token for {@code patient} with the given scopes. */
    public static String patientToken(String patient, String scope) {
        JwtClaims claims = baseClaims(scope);
        claims.setClaim("patient", patient);
        claims.setClaim("fhirUser", "Patient/" + patient);
        return sign(claims);
    }

    public static String token(String scope) {
        return sign(baseClaims(scope));
    }

    public static JwtClaims baseClaims(String scope) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("http://localhost:8080/auth");
        claims.setAudience("http://localhost:8080/fhir");
        claims.setSubject("tester");
        claims.setGeneratedJwtId();
        claims.setIssuedAt(NumericDate.now());
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().plusSeconds(300).getEpochSecond()));
        claims.setClaim("client_id", "test-app");
        claims.setClaim("scope", scope);
        return claims;
    }

    public static String sign(JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(KEY.getKeyId());
        jws.setKey(KEY.getPrivateKey());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RsaJsonWebKey generate() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("gateway-test-key");
            key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
