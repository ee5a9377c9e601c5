package org.smartguard.auth.grants;

import java.security.Key;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;
import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.auth.clients.ClientAuthenticator;
import org.smartguard.auth.clients.ClientType;
import org.smartguard.auth.clients.OAuthClient;

import io.restassured.response.ValidatableResponse;

import static io.restassured.RestAssured.given;

/**
 * Backend-services test data: uniquely named asymmetric clients, their key pairs (made here, never shipped), and
 * client assertions signed the way a SMART backend service signs them.
 */
@ApplicationScoped
public class BackendServiceFixtures {

    public static final String TOKEN_PATH = "/auth/token";

    /** The token endpoint as the public base URL names it: the assertions' aud. */
    public static String tokenEndpoint() {
        return ConfigProvider.getConfig().getValue("smartguard.public-base-url", String.class) + TOKEN_PATH;
    }

    /** An asymmetric client: its id and a key its JWKS holds. */
    public record BackendClient(String id, PublicJsonWebKey key) {

        /** Claims a valid assertion of this client has: iss = sub = client_id, aud, exp in 4 minutes, fresh jti. */
        public JwtClaims claims() {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(id);
            claims.setSubject(id);
            claims.setAudience(tokenEndpoint());
            claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + 240));
            claims.setIssuedAtToNow();
            claims.setJwtId(UUID.randomUUID().toString());
            return claims;
        }

        /** A valid assertion of this client. */
        public String assertion() {
            return sign(claims(), key);
        }
    }

    /** A client_secret_basic client and its secret. */
    public record SecretClient(String id, String secret) {
    }

    @Transactional
    public BackendClient clientWithInlineJwks(String allowedScopes, PublicJsonWebKey key) {
        return new BackendClient(persist(jwks(key), null, allowedScopes), key);
    }

    @Transactional
    public String clientWithJwksUri(String jwksUri, String allowedScopes) {
        return persist(null, jwksUri, allowedScopes);
    }

    /** A client_secret_basic client that (wrongly) lists client_credentials: the grant itself must refuse it. */
    @Transactional
    public SecretClient secretClientListingClientCredentials(String allowedScopes) {
        String secret = SecureTokens.random();
        String id = persist(null, null, allowedScopes);
        OAuthClient client = OAuthClient.findById(id);
        client.type = ClientType.CONFIDENTIAL_SYMMETRIC;
        client.secretHash = SecureTokens.hash(secret);
        return new SecretClient(id, secret);
    }

    public BackendClient client(String allowedScopes) {
        return clientWithInlineJwks(allowedScopes, rsaKey());
    }

    public static RsaJsonWebKey rsaKey() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("rsa-" + UUID.randomUUID());
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public static EllipticCurveJsonWebKey ecKey() {
        try {
            EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P384);
            key.setKeyId("ec-" + UUID.randomUUID());
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String jwks(PublicJsonWebKey... keys) {
        return new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** Signed with {@code key}: RS384 for an RSA key, ES384 for an EC key, with its kid. */
    public static String sign(JwtClaims claims, PublicJsonWebKey key) {
        return sign(claims, key.getPrivateKey(), key.getKeyId(), algorithmFor(key));
    }

    /** Any signature, also the ones the server must refuse (alg none, HS256). */
    public static String sign(JwtClaims claims, Key key, String kid, String algorithm) {
        return compact(jws(claims, key, kid, algorithm));
    }

    /** A valid RS384/ES384 signature whose header also names a {@code jku}. */
    public static String signWithJku(JwtClaims claims, PublicJsonWebKey key, String jku) {
        JsonWebSignature jws = jws(claims, key.getPrivateKey(), key.getKeyId(), algorithmFor(key));
        jws.setHeader("jku", jku);
        return compact(jws);
    }

    private static String algorithmFor(PublicJsonWebKey key) {
        return key instanceof RsaJsonWebKey ? AlgorithmIdentifiers.RSA_USING_SHA384 : AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384;
    }

    private static JsonWebSignature jws(JwtClaims claims, Key key, String kid, String algorithm) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(algorithm);
        jws.setKeyIdHeaderValue(kid);
        jws.setHeader("typ", "JWT");
        jws.setDoKeyValidation(false);
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        if (key != null) {
            jws.setKey(key);
        }
        return jws;
    }

    private static String compact(JsonWebSignature jws) {
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POSTs a client_credentials request with this assertion. */
    public static ValidatableResponse requestToken(String assertion, String scope) {
        var request = given().contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "client_credentials")
                .formParam("client_assertion_type", ClientAuthenticator.JWT_BEARER_ASSERTION)
                .formParam("client_assertion", assertion);
        if (scope != null) {
            request.formParam("scope", scope);
        }
        return request.post(TOKEN_PATH).then();
    }

    private static String persist(String jwks, String jwksUri, String allowedScopes) {
        OAuthClient client = new OAuthClient();
        client.clientId = "backend-" + UUID.randomUUID();
        client.name = client.clientId;
        client.type = ClientType.CONFIDENTIAL_ASYMMETRIC;
        client.jwks = jwks;
        client.jwksUri = jwksUri;
        client.allowedScopes = allowedScopes;
        client.grantTypes = "client_credentials";
        client.persist();
        return client.clientId;
    }
}
