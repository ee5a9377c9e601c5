package org.smartguard.auth.token;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.smartguard.auth.keys.SigningKeys;
import org.smartguard.auth.keys.TokenSigner;
import org.smartguard.commons.urls.PublicUrls;

/**
 * Checks an access token this server issued: RS256 only, signed by a published key, our issuer, the FHIR base as
 * audience, not expired (30 s skew), and not revoked. Used by introspection, userinfo and the endpoints that take
 * a system token (EHR launch registration).
 */
@ApplicationScoped
public class AccessTokenVerifier {

    private static final int CLOCK_SKEW_SECONDS = 30;

    private final SigningKeys keys;
    private final PublicUrls urls;
    private final RevokedTokens revoked;

    AccessTokenVerifier(SigningKeys keys, PublicUrls urls, RevokedTokens revoked) {
        this.keys = keys;
        this.urls = urls;
        this.revoked = revoked;
    }

    /** The claims of a valid, unrevoked access token; empty for anything else. */
    public Optional<JwtClaims> verify(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(keys.publishedKeys().getJsonWebKeys()))
                .setExpectedIssuer(urls.issuer())
                .setExpectedAudience(urls.fhirBase())
                .setRequireExpirationTime()
                .setRequireJwtId()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
                .setExpectedType(true, TokenSigner.ACCESS_TOKEN_TYPE)
                .build();
        try {
            JwtClaims claims = consumer.processToClaims(token);
            return revoked.isRevoked(claims.getJwtId()) ? Optional.empty() : Optional.of(claims);
        } catch (InvalidJwtException | org.jose4j.jwt.MalformedClaimException e) {
            return Optional.empty();
        }
    }
}
