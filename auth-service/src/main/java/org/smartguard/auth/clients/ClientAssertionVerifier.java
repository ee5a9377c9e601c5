package org.smartguard.auth.clients;

import java.security.Key;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.commons.urls.PublicUrls;

/**
 * Verifies a {@code private_key_jwt} client assertion (SMART Backend Services, RFC 7523), in the order that keeps
 * untrusted input away from keys and Redis: the header (RS384 or ES384 only, {@code typ} JWT when present, a
 * {@code kid}), the claimed client (iss = sub = client_id, registered as asymmetric; a {@code jku} header must be
 * its registered jwks_uri), the key ({@code kid} and key type, from the
 * client's JWKS or jwks_uri, refetched once when the kid is unknown), the signature, then the claims (aud = our
 * token endpoint, exp present, not past and at most 5 minutes ahead, jti present) and last the replay check.
 * Every refusal is 401 {@code invalid_client}, audited with a stable code such as
 * {@code invalid_client:assertion-expired}; descriptions say what is wrong without echoing the assertion.
 */
@ApplicationScoped
public class ClientAssertionVerifier {

    /** SMART App Launch 2.x: asymmetric clients sign with RS384 or ES384; nothing else is accepted (for discovery too). */
    public static final List<String> SIGNING_ALGORITHMS = List.of(AlgorithmIdentifiers.RSA_USING_SHA384, AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384);
    static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    private static final int MAX_ASSERTION_CHARS = 16 * 1024;
    private static final int MAX_JTI_CHARS = 256;

    private final ClientJwksSource keySource;
    private final AssertionReplayCache replays;
    private final RefusalAudit refusals;
    private final PublicUrls urls;

    ClientAssertionVerifier(ClientJwksSource keySource, AssertionReplayCache replays, RefusalAudit refusals, PublicUrls urls) {
        this.keySource = keySource;
        this.replays = replays;
        this.refusals = refusals;
        this.urls = urls;
    }

    /**
     * @param formClientId the {@code client_id} form parameter, optional with an assertion; must match when sent
     * @return the authenticated client
     */
    public OAuthClient verify(String assertion, String formClientId) {
        JsonWebSignature jws = parseHeader(assertion, formClientId);
        String algorithm = jws.getAlgorithmHeaderValue();
        JwtClaims claims = unverifiedClaims(jws, formClientId);
        OAuthClient client = claimedClient(claims, formClientId);
        String jku = jws.getHeader("jku");
        if (jku != null && !jku.equals(client.jwksUri)) {
            throw refuse("assertion-jku-mismatch", "client_assertion jku must be the client's registered jwks_uri", client.clientId);
        }
        PublicJsonWebKey key = selectKey(client, jws.getKeyIdHeaderValue(), algorithm);
        verifySignature(jws, algorithm, key.getPublicKey(), client.clientId);
        Instant expires = checkClaims(claims, client.clientId);
        String jti = jti(claims, client.clientId);
        if (!replays.firstUse(client.clientId, jti, expires.plus(CLOCK_SKEW))) {
            throw refuse("assertion-jti-replayed", "this client assertion was already used (jti seen before)", client.clientId);
        }
        return client;
    }

    private JsonWebSignature parseHeader(String assertion, String formClientId) {
        if (assertion.length() > MAX_ASSERTION_CHARS) {
            throw refuse("assertion-malformed", "client_assertion is too large", formClientId);
        }
        JsonWebStructure structure;
        try {
            structure = JsonWebStructure.fromCompactSerialization(assertion);
        } catch (JoseException | RuntimeException e) {
            throw refuse("assertion-malformed", "client_assertion is not a compact JWS", formClientId);
        }
        if (!(structure instanceof JsonWebSignature jws)) {
            throw refuse("assertion-malformed", "client_assertion must be signed, not encrypted", formClientId);
        }
        String algorithm = jws.getAlgorithmHeaderValue();
        if (algorithm == null || !SIGNING_ALGORITHMS.contains(algorithm)) {
            throw refuse("assertion-alg-not-allowed", "client_assertion must be signed with RS384 or ES384", formClientId);
        }
        String type = jws.getHeader("typ");
        if (type != null && !type.equalsIgnoreCase("JWT")) {
            throw refuse("assertion-typ-invalid", "client_assertion header typ must be JWT", formClientId);
        }
        String kid = jws.getKeyIdHeaderValue();
        if (kid == null || kid.isBlank()) {
            throw refuse("assertion-kid-missing", "client_assertion header must name its key (kid)", formClientId);
        }
        return jws;
    }

    private JwtClaims unverifiedClaims(JsonWebSignature jws, String formClientId) {
        try {
            return JwtClaims.parse(jws.getUnverifiedPayload());
        } catch (InvalidJwtException | RuntimeException e) {
            throw refuse("assertion-malformed", "client_assertion payload is not a JSON claims set", formClientId);
        }
    }

    private OAuthClient claimedClient(JwtClaims claims, String formClientId) {
        String issuer;
        String subject;
        try {
            issuer = claims.getIssuer();
            subject = claims.getSubject();
        } catch (MalformedClaimException e) {
            throw refuse("assertion-malformed", "client_assertion iss and sub must be strings", formClientId);
        }
        if (issuer == null || !issuer.equals(subject)) {
            throw refuse("assertion-iss-sub-mismatch", "client_assertion iss and sub must both be the client_id", formClientId);
        }
        if (formClientId != null && !formClientId.equals(issuer)) {
            throw refuse("assertion-client-id-mismatch", "client_id does not match the client_assertion issuer", formClientId);
        }
        OAuthClient client = OAuthClient.findByClientId(issuer)
                .orElseThrow(() -> refuse("unknown-client", "client authentication failed", issuer));
        if (client.type != ClientType.CONFIDENTIAL_ASYMMETRIC) {
            throw refuse("client-not-asymmetric", "this client is not registered for private_key_jwt", issuer);
        }
        return client;
    }

    /** Exactly one key of the client with this kid and a type the algorithm can use (else an alg/kty mismatch). */
    private PublicJsonWebKey selectKey(OAuthClient client, String kid, String algorithm) {
        try {
            List<PublicJsonWebKey> matching = matching(keySource.keys(client), kid, algorithm);
            if (matching.isEmpty()) {
                Optional<List<JsonWebKey>> refetched = keySource.refetch(client);
                if (refetched.isPresent()) {
                    matching = matching(refetched.get(), kid, algorithm);
                }
            }
            if (matching.isEmpty()) {
                throw refuse("assertion-unknown-kid", "no key of this client matches the assertion's kid and alg", client.clientId);
            }
            if (matching.size() > 1) {
                throw refuse("assertion-ambiguous-kid", "more than one key of this client matches the assertion's kid", client.clientId);
            }
            return matching.get(0);
        } catch (ClientJwksSource.KeysUnavailable e) {
            throw refuse("jwks-unavailable", e.getMessage(), client.clientId);
        }
    }

    private static List<PublicJsonWebKey> matching(List<JsonWebKey> keys, String kid, String algorithm) {
        return keys.stream()
                .filter(key -> kid.equals(key.getKeyId()))
                .filter(key -> key.getUse() == null || key.getUse().equals("sig"))
                .filter(key -> key.getAlgorithm() == null || key.getAlgorithm().equals(algorithm))
                .filter(key -> fitsAlgorithm(key, algorithm))
                .map(PublicJsonWebKey.class::cast)
                .toList();
    }

    private static boolean fitsAlgorithm(JsonWebKey key, String algorithm) {
        if (algorithm.equals(AlgorithmIdentifiers.RSA_USING_SHA384)) {
            return key.getKeyType().equals("RSA");
        }
        return key instanceof EllipticCurveJsonWebKey ec && EllipticCurves.P_384.equals(ec.getCurveName());
    }

    private void verifySignature(JsonWebSignature jws, String algorithm, Key key, String clientId) {
        jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, algorithm));
        jws.setKey(key);
        boolean valid;
        try {
            valid = jws.verifySignature();
        } catch (JoseException e) {
            // e.g. an RSA key under 2048 bits, or an unknown critical header
            throw refuse("assertion-signature-invalid", "client_assertion signature cannot be verified with the registered key", clientId);
        }
        if (!valid) {
            throw refuse("assertion-signature-invalid", "client_assertion signature is invalid", clientId);
        }
    }

    /** aud, exp and nbf; returns the expiry. */
    private Instant checkClaims(JwtClaims claims, String clientId) {
        try {
            List<String> audience = claims.getAudience();
            String tokenEndpoint = urls.auth("/token");
            if (audience.size() != 1 || !audience.get(0).equals(tokenEndpoint)) {
                throw refuse("assertion-wrong-audience", "client_assertion aud must be the token endpoint " + tokenEndpoint, clientId);
            }
            NumericDate exp = claims.getExpirationTime();
            if (exp == null) {
                throw refuse("assertion-exp-missing", "client_assertion must have an exp", clientId);
            }
            Instant expires = Instant.ofEpochSecond(exp.getValue());
            Instant now = Instant.now();
            if (!expires.plus(CLOCK_SKEW).isAfter(now)) {
                throw refuse("assertion-expired", "client_assertion has expired", clientId);
            }
            if (expires.isAfter(now.plus(MAX_LIFETIME).plus(CLOCK_SKEW))) {
                throw refuse("assertion-exp-too-far", "client_assertion exp must be at most 5 minutes ahead", clientId);
            }
            NumericDate notBefore = claims.getNotBefore();
            if (notBefore != null && Instant.ofEpochSecond(notBefore.getValue()).isAfter(now.plus(CLOCK_SKEW))) {
                throw refuse("assertion-not-yet-valid", "client_assertion is not valid yet (nbf)", clientId);
            }
            return expires;
        } catch (MalformedClaimException e) {
            throw refuse("assertion-malformed", "client_assertion aud, exp or nbf is malformed", clientId);
        }
    }

    private String jti(JwtClaims claims, String clientId) {
        try {
            String jti = claims.getJwtId();
            if (jti == null || jti.isBlank() || jti.length() > MAX_JTI_CHARS) {
                throw refuse("assertion-jti-missing", "client_assertion must have a jti of at most " + MAX_JTI_CHARS + " characters", clientId);
            }
            return jti;
        } catch (MalformedClaimException e) {
            throw refuse("assertion-malformed", "client_assertion jti must be a string", clientId);
        }
    }

    private OAuthException refuse(String reason, String description, String clientId) {
        return refusals.refused(OAuthException.invalidClient(description), reason, clientId);
    }
}
