package org.smartguard.commons.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for the auth-service in other services' tests: an RSA key made for this test run (never committed),
 * its JWKS served over real HTTP, and access tokens shaped like the auth-service's (issuer and audience of the
 * default public base URL). Shared by the services' tests through this module's test jar.
 */
public final class TestAuthority {

    public static final String ISSUER = "http://localhost:8080/auth";
    public static final String AUDIENCE = "http://localhost:8080/fhir";

    private static final RsaJsonWebKey KEY = generate();
    private static HttpServer server;

    private TestAuthority() {
    }

    /** Starts the JWKS server once per JVM; returns its URL. */
    public static synchronized String jwksUri() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/auth/jwks", exchange -> {
                byte[] body = jwksJson().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.createContext("/auth/.well-known/smart-configuration", exchange -> {
                byte[] body = SMART_CONFIGURATION.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/auth/jwks";
    }

    /** The SMART configuration this stand-in publishes (a minimal one). */
    public static final String SMART_CONFIGURATION = "{\"issuer\":\"" + ISSUER + "\",\"authorization_endpoint\":\"" + ISSUER
            + "/authorize\",\"token_endpoint\":\"" + ISSUER + "/token\",\"capabilities\":[\"launch-standalone\"],"
            + "\"code_challenge_methods_supported\":[\"S256\"],\"grant_types_supported\":[\"authorization_code\"]}";

    public static String smartConfigurationUri() {
        return jwksUri().replace("/auth/jwks", "/auth/.well-known/smart-configuration");
    }

    /** A patient app's token: {@code patient} and {@code fhirUser=Patient/<id>}. */
    public static String patientToken(String patient, String scope) {
        return token(scope, Map.of("patient", patient, "fhirUser", "Patient/" + patient));
    }

    /** A practitioner's token ({@code fhirUser=Practitioner/<id>}). */
    public static String practitionerToken(String practitioner, String scope) {
        return token(scope, Map.of("fhirUser", "Practitioner/" + practitioner));
    }

    /** A backend service's token (no user). */
    public static String systemToken(String scope) {
        return token(scope, Map.of());
    }

    /** The JWKS document this authority publishes. */
    public static String jwksJson() {
        return new JsonWebKeySet(KEY).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    public static String token(String scope, Map<String, String> extraClaims) {
        return sign(claims(scope, extraClaims));
    }

    /** {@link #claims(String)} with these claims added (or replaced). */
    public static JwtClaims claims(String scope, Map<String, String> extraClaims) {
        JwtClaims claims = claims(scope);
        extraClaims.forEach(claims::setClaim);
        return claims;
    }

    /** The claims of a valid token with these scopes, for a test to alter before {@link #sign(JwtClaims)}. */
    public static JwtClaims claims(String scope) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(AUDIENCE);
        claims.setSubject("test-subject");
        claims.setGeneratedJwtId();
        claims.setIssuedAt(NumericDate.now());
        // an hour: test classes mint their tokens once, and a class can outlast the production 5 minutes on a busy machine
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().plusSeconds(3600).getEpochSecond()));
        claims.setClaim("client_id", "test-app");
        claims.setClaim("scope", scope);
        return claims;
    }

    public static String sign(JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(KEY.getKeyId());
        jws.setHeader("typ", "at+jwt");
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
            key.setKeyId("test-authority-key");
            key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
