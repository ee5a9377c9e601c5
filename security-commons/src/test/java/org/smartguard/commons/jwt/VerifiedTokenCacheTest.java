package org.smartguard.commons.jwt;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionException;

import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest {

    private static final String ISSUER = "http://localhost:8080/auth";
    private static final String FHIR = "http://localhost:8080/fhir";
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private JwksServer jwks;
    private RsaJsonWebKey key;
    private VerifiedTokenCache cache;

    @BeforeEach
    void start() throws Exception {
        jwks = new JwksServer();
        key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("key-1");
        key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        jwks.publish(List.of(key));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        JwksKeySource keys = new JwksKeySource(jwks.uri(), Duration.ofSeconds(30), Duration.ofSeconds(2), Clock.systemUTC());
        cache = new VerifiedTokenCache(new AccessTokenValidator(keys, ISSUER, FHIR, Duration.ofSeconds(30), clock), 100, clock);
    }

    @AfterEach
    void stop() {
        jwks.close();
    }

    private String token(String audience, Instant expiresAt) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(audience);
        claims.setSubject("user-1");
        claims.setJwtId("jti-1");
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue("key-1");
        jws.setKey(key.getPrivateKey());
        return jws.getCompactSerialization();
    }

    private ValidatedToken accepted(String token) {
        return cache.validate(token).toCompletableFuture().join();
    }

    private void assertRefused(String token) {
        CompletionException failure = assertThrows(CompletionException.class, () -> cache.validate(token).toCompletableFuture().join());
        assertInstanceOf(InvalidTokenException.class, failure.getCause());
    }

    @Test
    void anAcceptedTokenIsServedFromTheCacheWithoutBeingVerifiedAgain() throws Exception {
        String token = token(FHIR, NOW.plusSeconds(300));
        assertSame(accepted(token), accepted(token));
    }

    @Test
    void aTamperedCopyOfACachedTokenIsStillRefused() throws Exception {
        String token = token(FHIR, NOW.plusSeconds(300));
        accepted(token);
        String[] parts = token.split("\\.");
        String otherPayload = token(FHIR, NOW.plusSeconds(3000)).split("\\.")[1];
        assertRefused(parts[0] + "." + otherPayload + "." + parts[2]);
    }

    @Test
    void aRefusalIsNotCachedAndStaysARefusal() throws Exception {
        String token = token("http://elsewhere/fhir", NOW.plusSeconds(300));
        assertRefused(token);
        assertRefused(token);
    }

    @Test
    void aTokenPastItsExpiryButWithinTheSkewIsVerifiedEachTime() throws Exception {
        String token = token(FHIR, NOW.minusSeconds(10));
        assertNotSame(accepted(token), accepted(token));
    }
}
