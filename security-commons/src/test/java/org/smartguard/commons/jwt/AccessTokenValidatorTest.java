package org.smartguard.commons.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccessTokenValidatorTest {

    private static final String ISSUER = "http://localhost:8080/auth";
    private static final String FHIR = "http://localhost:8080/fhir";
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private JwksServer jwks;
    private RsaJsonWebKey key;
    private AccessTokenValidator validator;

    @BeforeEach
    void start() throws Exception {
        jwks = new JwksServer();
        key = rsaKey("key-1");
        jwks.publish(List.of(key));
        validator = validator(Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        jwks.close();
    }

    private AccessTokenValidator validator(Duration refreshFloor) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        JwksKeySource source = new JwksKeySource(jwks.uri(), refreshFloor, Duration.ofSeconds(2), Clock.systemUTC());
        return new AccessTokenValidator(source, ISSUER, FHIR, Duration.ofSeconds(30), clock);
    }

    private static RsaJsonWebKey rsaKey(String kid) throws Exception {
        RsaJsonWebKey jwk = RsaJwkGenerator.generateJwk(2048);
        jwk.setKeyId(kid);
        jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jwk;
    }

    private static JwtClaims claims() {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(FHIR);
        claims.setSubject("user-1");
        claims.setJwtId("jti-1");
        claims.setIssuedAt(NumericDate.fromSeconds(NOW.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(NOW.plusSeconds(300).getEpochSecond()));
        claims.setClaim("client_id", "demo-app");
        claims.setClaim("scope", "patient/Observation.rs openid");
        claims.setClaim("patient", "p-1");
        claims.setClaim("fhirUser", "Patient/p-1");
        return claims;
    }

    private static String sign(JwtClaims claims, java.security.Key signingKey, String alg, String kid, Consumer<JsonWebSignature> header) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(alg);
        jws.setKeyIdHeaderValue(kid);
        jws.setKey(signingKey);
        jws.setDoKeyValidation(false);
        header.accept(jws);
        return jws.getCompactSerialization();
    }

    private String valid(JwtClaims claims) throws Exception {
        return sign(claims, key.getPrivateKey(), AlgorithmIdentifiers.RSA_USING_SHA256, "key-1", jws -> { });
    }

    private String refusal(String token) {
        CompletionException failure = assertThrows(CompletionException.class, () -> validator.validate(token).toCompletableFuture().join());
        return assertInstanceOfInvalid(failure.getCause());
    }

    private static String assertInstanceOfInvalid(Throwable cause) {
        if (!(cause instanceof InvalidTokenException)) {
            throw new AssertionError("expected InvalidTokenException, got " + cause);
        }
        return cause.getMessage();
    }

    @Test
    void validTokenGivesItsClaims() throws Exception {
        ValidatedToken token = validator.validate(valid(claims())).toCompletableFuture().join();
        assertEquals("user-1", token.subject());
        assertEquals("jti-1", token.jti());
        assertEquals("demo-app", token.clientId());
        assertEquals("p-1", token.patient());
        assertEquals("Patient/p-1", token.fhirUser());
        assertEquals("patient/Observation.rs openid", token.scope());
    }

    @Test
    void algNoneIsRefused() throws Exception {
        String header = b64("{\"alg\":\"none\",\"kid\":\"key-1\"}");
        assertEquals("the token is not a signed JWT", refusal(header + "." + b64(claims().toJson()) + "."));
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        HmacKey publicKeyAsSecret = new HmacKey(key.getPublicKey().getEncoded());
        assertEquals("the token's algorithm is not accepted",
                refusal(sign(claims(), publicKeyAsSecret, AlgorithmIdentifiers.HMAC_SHA256, "key-1", jws -> { })));
    }

    @Test
    void signatureByAnotherKeyUnderTheSameKidIsRefused() throws Exception {
        RsaJsonWebKey attacker = rsaKey("key-1");
        assertEquals("the token's signature is invalid",
                refusal(sign(claims(), attacker.getPrivateKey(), AlgorithmIdentifiers.RSA_USING_SHA256, "key-1", jws -> { })));
    }

    @Test
    void strippedOrTamperedTokensAreRefused() throws Exception {
        String token = valid(claims());
        assertEquals("the token is not a signed JWT", refusal(token.substring(0, token.lastIndexOf('.') + 1)));
        String[] parts = token.split("\\.");
        JwtClaims widened = claims();
        widened.setClaim("scope", "system/*.cruds");
        assertEquals("the token's signature is invalid", refusal(parts[0] + "." + b64(widened.toJson()) + "." + parts[2]));
    }

    @Test
    void expiredAndNotYetValidTokensAreRefused() throws Exception {
        JwtClaims expired = claims();
        expired.setExpirationTime(NumericDate.fromSeconds(NOW.minusSeconds(31).getEpochSecond()));
        assertEquals("the token has expired", refusal(valid(expired)));

        JwtClaims withinSkew = claims();
        withinSkew.setExpirationTime(NumericDate.fromSeconds(NOW.minusSeconds(10).getEpochSecond()));
        assertEquals("user-1", validator.validate(valid(withinSkew)).toCompletableFuture().join().subject());

        JwtClaims future = claims();
        future.setNotBefore(NumericDate.fromSeconds(NOW.plusSeconds(120).getEpochSecond()));
        assertEquals("the token is not valid yet", refusal(valid(future)));
    }

    @Test
    void wrongIssuerOrAudienceIsRefused() throws Exception {
        JwtClaims otherIssuer = claims();
        otherIssuer.setIssuer("http://evil.example/auth");
        assertEquals("the token was issued by another server", refusal(valid(otherIssuer)));
        JwtClaims otherAudience = claims();
        otherAudience.setAudience("http://other.example/fhir");
        assertEquals("the token is meant for another server", refusal(valid(otherAudience)));
    }

    @Test
    void unknownKidIsRefusedAndRefetchesTheKeySetAtMostOncePerFloor() throws Exception {
        int before = jwks.requests();
        for (int i = 0; i < 20; i++) {
            assertEquals("the token is signed by an unknown key",
                    refusal(sign(claims(), key.getPrivateKey(), AlgorithmIdentifiers.RSA_USING_SHA256, "made-up-" + i, jws -> { })));
        }
        assertEquals(before + 1, jwks.requests(), "one refetch for twenty unknown kids inside the floor");
    }

    @Test
    void requestsArrivingWhileTheKeySetIsBeingFetchedWaitForIt() throws Exception {
        CountDownLatch answer = jwks.hold();
        AccessTokenValidator coldStart = validator(Duration.ofSeconds(30));
        String token = valid(claims());
        List<CompletableFuture<ValidatedToken>> early = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            early.add(coldStart.validate(token).toCompletableFuture());
        }
        assertTrue(early.stream().noneMatch(CompletableFuture::isDone), "no request is decided before the key set arrives");
        answer.countDown();
        for (CompletableFuture<ValidatedToken> validation : early) {
            assertEquals("user-1", validation.get(10, TimeUnit.SECONDS).subject(), "no request is refused while the keys are on their way");
        }
    }

    @Test
    void aKeySetFetchedForAnotherRequestJustBeforeThisOneLooksIsUsed() throws Exception {
        // the interleaving of a burst of first requests after start-up: this request finds no key and no fetch under
        // way, then, before it checks the refetch floor, another request's fetch runs to its end. The clock is read
        // exactly at that point, so the test clock runs that other fetch there.
        JwksKeySource[] source = new JwksKeySource[1];
        boolean[] raced = { false };
        Clock racingClock = new Clock() {
            @Override
            public Instant instant() {
                if (!raced[0]) {
                    raced[0] = true;
                    source[0].refresh().toCompletableFuture().join();
                }
                return Instant.now();
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        source[0] = new JwksKeySource(jwks.uri(), Duration.ofSeconds(30), Duration.ofSeconds(2), racingClock);
        AccessTokenValidator coldStart = new AccessTokenValidator(source[0], ISSUER, FHIR, Duration.ofSeconds(30), Clock.fixed(NOW, ZoneOffset.UTC));

        ValidatedToken validated = coldStart.validate(valid(claims())).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertTrue(raced[0], "the other request's fetch ran between this request's first look and its floor check");
        assertEquals("user-1", validated.subject(), "the key that fetch brought is used, not refused as unknown");
        assertEquals(1, jwks.requests(), "one fetch for both");
    }

    @Test
    void kidWithPathOrSqlCharactersIsRefusedWithoutLookup() throws Exception {
        for (String kid : List.of("../../etc/passwd", "1' OR '1'='1", "key-1\u0000")) {
            assertEquals("the token has no usable key id",
                    refusal(sign(claims(), key.getPrivateKey(), AlgorithmIdentifiers.RSA_USING_SHA256, kid, jws -> { })));
        }
    }

    @Test
    void keyCarryingHeadersAreRefused() throws Exception {
        assertEquals("the token carries a 'jku' header, which is not accepted", refusal(sign(claims(), key.getPrivateKey(),
                AlgorithmIdentifiers.RSA_USING_SHA256, "key-1", jws -> jws.setHeader("jku", "https://evil.example/jwks"))));
        assertEquals("the token carries a 'jwk' header, which is not accepted", refusal(sign(claims(), key.getPrivateKey(),
                AlgorithmIdentifiers.RSA_USING_SHA256, "key-1", jws -> jws.getHeaders().setJwkHeaderValue("jwk", key))));
    }

    @Test
    void es256TokenIsRefused() throws Exception {
        EllipticCurveJsonWebKey ec = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        assertEquals("the token's algorithm is not accepted",
                refusal(sign(claims(), ec.getPrivateKey(), AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, "key-1", jws -> { })));
    }

    @Test
    void hugeTokenIsRefusedUnparsed() throws Exception {
        JwtClaims padded = claims();
        padded.setClaim("pad", "x".repeat(100 * 1024));
        assertEquals("the token is too large", refusal(valid(padded)));
    }

    @Test
    void rotatedKeyIsPickedUpAndOldKeysSurviveAnAuthServerOutage() throws Exception {
        AccessTokenValidator noFloor = validator(Duration.ZERO);
        RsaJsonWebKey next = rsaKey("key-2");
        jwks.publish(List.of(key, next));
        String signedByNext = sign(claims(), next.getPrivateKey(), AlgorithmIdentifiers.RSA_USING_SHA256, "key-2", jws -> { });
        assertEquals("user-1", noFloor.validate(signedByNext).toCompletableFuture().join().subject());

        jwks.close();
        assertEquals("user-1", noFloor.validate(valid(claims())).toCompletableFuture().join().subject());
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
