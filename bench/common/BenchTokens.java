import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;

/**
 * Writes what the gateway benchmark's proxies need to verify tokens the way the auth-service issues them: a fresh
 * RS256 key as a JWKS (for the gateway) and as a PEM public key (for HAProxy's jwt_verify), and one access token per
 * patient as "patient-id token" lines (for the load generator), and a backend-services token with system/*.cruds
 * (for loading data).
 * Usage: java BenchTokens.java OUT_DIR PATIENTS ISSUER AUDIENCE
 */
public class BenchTokens {

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int patients = Integer.parseInt(args[1]);
        String issuer = args[2];
        String audience = args[3];
        Files.createDirectories(out);
        RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("bench-" + UUID.randomUUID());
        key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        key.setUse("sig");
        Files.writeString(out.resolve("jwks.json"), new JsonWebKeySet(key).toJson());
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        Files.writeString(out.resolve("public.pem"), pem);
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= patients; i++) {
            String patient = String.format("bench-patient-%04d", i);
            JwtClaims claims = claims(issuer, audience, "bench-user-" + i, "bench-app", "launch/patient patient/*.rs");
            claims.setClaim("patient", patient);
            lines.add(patient + " " + sign(claims, key));
        }
        Files.write(out.resolve("tokens.txt"), lines);
        Files.writeString(out.resolve("system-token.txt"), sign(claims(issuer, audience, "bench-loader", "bench-loader", "system/*.cruds"), key));
    }

    private static JwtClaims claims(String issuer, String audience, String subject, String clientId, String scope) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(audience);
        claims.setSubject(subject);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(120);
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setClaim("client_id", clientId);
        claims.setClaim("scope", scope);
        return claims;
    }

    private static String sign(JwtClaims claims, RsaJsonWebKey key) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        return jws.getCompactSerialization();
    }
}
