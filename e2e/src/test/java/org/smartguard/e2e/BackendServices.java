package org.smartguard.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The SMART Backend Services flow for demo-backend (RFC 7523 client assertion, private_key_jwt): an RS384 JWT signed
 * with the key the stack wrote ({@link E2eStack#backendKeyFile()}), iss = sub = the client id, aud = the token
 * endpoint, then {@code client_credentials} at {@code /auth/token} through the gateway.
 */
final class BackendServices {

    static final String CLIENT_ID = "demo-backend";
    private static final float ASSERTION_MINUTES = 4;

    private BackendServices() {
    }

    /** Tokens of {@link #reusableToken}, by gateway and scope (the fault tests run a second stack). */
    private static final Map<String, Issued> ISSUED = new java.util.HashMap<>();

    private record Issued(String token, java.time.Instant renewAt) {
    }

    /** A new system/ access token for the scope. */
    static String token(E2eStack stack, String scope) {
        return tokenResponse(stack, scope).get("access_token").asText();
    }

    /**
     * A system/ token for the scope, reused until half its life has passed: checks that poll the stack ask for tokens
     * sparingly, since every client of these tests shares one address and the gateway limits token requests per address.
     */
    static synchronized String reusableToken(E2eStack stack, String scope) {
        String key = stack.gatewayUrl() + " " + scope;
        Issued issued = ISSUED.get(key);
        if (issued == null || java.time.Instant.now().isAfter(issued.renewAt())) {
            JsonNode response = tokenResponse(stack, scope);
            issued = new Issued(response.get("access_token").asText(),
                    java.time.Instant.now().plusSeconds(response.get("expires_in").asLong() / 2));
            ISSUED.put(key, issued);
        }
        return issued.token();
    }

    static JsonNode tokenResponse(E2eStack stack, String scope) {
        Map<String, String> form = new LinkedHashMap<>(clientAuthentication(stack));
        form.put("grant_type", "client_credentials");
        form.put("scope", scope);
        return Api.json(Api.postForm(tokenEndpoint(stack), form), 200);
    }

    /** The form fields that authenticate demo-backend at the token, revocation and introspection endpoints. */
    static Map<String, String> clientAuthentication(E2eStack stack) {
        return Map.of("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion(stack));
    }

    static String tokenEndpoint(E2eStack stack) {
        return stack.gatewayUrl() + "/auth/token";
    }

    private static String assertion(E2eStack stack) {
        try {
            PublicJsonWebKey key = PublicJsonWebKey.Factory.newPublicJwk(Files.readString(stack.backendKeyFile()));
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(CLIENT_ID);
            claims.setSubject(CLIENT_ID);
            claims.setAudience(tokenEndpoint(stack));
            claims.setJwtId(UUID.randomUUID().toString());
            claims.setIssuedAtToNow();
            claims.setExpirationTimeMinutesInTheFuture(ASSERTION_MINUTES);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setAlgorithmHeaderValue("RS384");
            jws.setKeyIdHeaderValue(key.getKeyId());
            jws.setHeader("typ", "JWT");
            jws.setKey(key.getPrivateKey());
            return jws.getCompactSerialization();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read demo-backend's key " + stack.backendKeyFile(), e);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a client assertion with demo-backend's key", e);
        }
    }
}
