package org.smartguard.commons.jwt;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

/**
 * Validates access tokens of the suite's authorization server, step by step, each failure with its own reason:
 * size and shape → header (RS256 only, a sane {@code kid}, no key-carrying headers) → key by kid from the JWKS,
 * whose own {@code alg} must agree → signature → issuer, audience, expiry and not-before with a skew. Revocation
 * is checked by the caller, which knows its Redis client.
 *
 * <p>Only RS256 is accepted because it is the only algorithm the authorization server issues: accepting more
 * (HS*, where the public key becomes an HMAC secret; none; ES*, costly to verify) only opens doors.
 */
public final class AccessTokenValidator {

    /** Tokens larger than this are refused unparsed: the suite's tokens are about 1 KB. */
    public static final int MAX_TOKEN_LENGTH = 8 * 1024;
    private static final Pattern SAFE_KID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Set<String> KEY_CARRYING_HEADERS = Set.of("jku", "jwk", "x5u", "x5c", "crit");
    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    private final JwksKeySource keys;
    private final String issuer;
    private final String audience;
    private final Duration skew;
    private final Clock clock;

    public AccessTokenValidator(JwksKeySource keys, String issuer, String audience, Duration skew, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
        this.skew = skew;
        this.clock = clock;
    }

    public CompletionStage<ValidatedToken> validate(String token) {
        JsonWebSignature jws;
        String kid;
        try {
            jws = parse(token);
            kid = checkHeader(jws);
        } catch (InvalidTokenException e) {
            return CompletableFuture.failedFuture(e);
        }
        return keys.key(kid).thenApply(key -> verify(jws, key.orElseThrow(() -> new InvalidTokenException("the token is signed by an unknown key"))));
    }

    private static JsonWebSignature parse(String token) {
        if (token == null || token.isEmpty()) {
            throw new InvalidTokenException("no token");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException("the token is too large");
        }
        if (!COMPACT_JWS.matcher(token).matches()) {
            throw new InvalidTokenException("the token is not a signed JWT");
        }
        try {
            JsonWebStructure structure = JsonWebStructure.fromCompactSerialization(token);
            if (!(structure instanceof JsonWebSignature jws)) {
                throw new InvalidTokenException("the token is not a signed JWT");
            }
            return jws;
        } catch (JoseException e) {
            throw new InvalidTokenException("the token is not a signed JWT");
        }
    }

    private static String checkHeader(JsonWebSignature jws) {
        if (!AlgorithmIdentifiers.RSA_USING_SHA256.equals(jws.getAlgorithmHeaderValue())) {
            throw new InvalidTokenException("the token's algorithm is not accepted");
        }
        for (String header : KEY_CARRYING_HEADERS) {
            if (jws.getHeaders().getObjectHeaderValue(header) != null) {
                throw new InvalidTokenException("the token carries a '" + header + "' header, which is not accepted");
            }
        }
        String kid = jws.getKeyIdHeaderValue();
        if (kid == null || !SAFE_KID.matcher(kid).matches()) {
            throw new InvalidTokenException("the token has no usable key id");
        }
        return kid;
    }

    private ValidatedToken verify(JsonWebSignature jws, JsonWebKey key) {
        if (!(key instanceof PublicJsonWebKey publicKey) || (key.getAlgorithm() != null
                && !AlgorithmIdentifiers.RSA_USING_SHA256.equals(key.getAlgorithm()))) {
            throw new InvalidTokenException("the token's algorithm does not match its key");
        }
        try {
            jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                    AlgorithmIdentifiers.RSA_USING_SHA256));
            jws.setKey((PublicKey) publicKey.getPublicKey());
            if (!jws.verifySignature()) {
                throw new InvalidTokenException("the token's signature is invalid");
            }
            return claims(JwtClaims.parse(jws.getUnverifiedPayload()));
        } catch (JoseException | org.jose4j.jwt.consumer.InvalidJwtException e) {
            throw new InvalidTokenException("the token's signature is invalid");
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException("the token's claims are malformed");
        }
    }

    private ValidatedToken claims(JwtClaims claims) throws MalformedClaimException {
        Instant now = clock.instant();
        if (!issuer.equals(claims.getIssuer())) {
            throw new InvalidTokenException("the token was issued by another server");
        }
        List<String> audiences = claims.hasAudience() ? claims.getAudience() : List.of();
        if (!audiences.contains(audience)) {
            throw new InvalidTokenException("the token is meant for another server");
        }
        NumericDate exp = claims.getExpirationTime();
        if (exp == null) {
            throw new InvalidTokenException("the token has no expiry");
        }
        Instant expiresAt = Instant.ofEpochSecond(exp.getValue());
        if (!now.isBefore(expiresAt.plus(skew))) {
            throw new InvalidTokenException("the token has expired");
        }
        NumericDate nbf = claims.getNotBefore();
        if (nbf != null && now.plus(skew).isBefore(Instant.ofEpochSecond(nbf.getValue()))) {
            throw new InvalidTokenException("the token is not valid yet");
        }
        String jti = claims.getJwtId();
        String subject = claims.getSubject();
        if (jti == null || subject == null) {
            throw new InvalidTokenException("the token lacks a subject or an id");
        }
        return new ValidatedToken(subject, jti, string(claims, "client_id"), Optional.ofNullable(string(claims, "scope")).orElse(""),
                string(claims, "patient"), string(claims, "encounter"), string(claims, "fhirUser"), expiresAt);
    }

    private static String string(JwtClaims claims, String name) throws MalformedClaimException {
        return claims.getStringClaimValue(name);
    }
}
