package org.smartguard.auth.registration;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A JWKS a client registers: 1 to 10 public RSA (2048 bits or more) or EC keys for signing, each with a distinct
 * {@code kid} (assertions are matched to keys by kid), and no private key material at all: a client that sends its
 * private key has leaked it, so the registration is refused rather than the secret parts silently dropped.
 */
final class PublicJwks {

    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
    private static final int MAX_KEYS = 10;
    private static final int MIN_RSA_BITS = 2048;

    private PublicJwks() {
    }

    /** @return the JWKS as stored: the public members only, as JSON */
    static String validated(JsonNode jwks) {
        if (jwks == null || !jwks.isObject() || !jwks.path("keys").isArray()) {
            throw invalid("jwks must be a JWK Set: an object with a keys array");
        }
        JsonNode keys = jwks.get("keys");
        if (keys.isEmpty() || keys.size() > MAX_KEYS) {
            throw invalid("jwks must hold between 1 and " + MAX_KEYS + " keys");
        }
        Set<String> kids = new HashSet<>();
        JsonWebKeySet set = new JsonWebKeySet();
        for (JsonNode key : keys) {
            JsonWebKey jwk = publicKey(key);
            if (!kids.add(jwk.getKeyId())) {
                throw invalid("each key in jwks needs a distinct kid");
            }
            set.addJsonWebKey(jwk);
        }
        return set.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private static JsonWebKey publicKey(JsonNode key) {
        if (!key.isObject()) {
            throw invalid("each key in jwks must be a JSON object");
        }
        String kty = key.path("kty").asText("");
        if (!kty.equals("RSA") && !kty.equals("EC")) {
            throw invalid("keys in jwks must be RSA or EC public keys");
        }
        for (String member : PRIVATE_MEMBERS) {
            if (key.has(member)) {
                throw invalid("jwks must not contain private key material");
            }
        }
        if (!key.path("kid").isTextual() || key.get("kid").asText().isBlank()) {
            throw invalid("each key in jwks needs a kid");
        }
        if (key.has("use") && !"sig".equals(key.get("use").asText())) {
            throw invalid("keys in jwks must be for signatures (use sig)");
        }
        JsonWebKey jwk;
        try {
            Map<String, Object> members = JsonUtil.parseJson(key.toString());
            jwk = JsonWebKey.Factory.newJwk(members);
        } catch (JoseException | RuntimeException e) {
            throw invalid("a key in jwks is not a valid " + kty + " public key");
        }
        if (jwk instanceof RsaJsonWebKey rsa && rsa.getRsaPublicKey().getModulus().bitLength() < MIN_RSA_BITS) {
            throw invalid("RSA keys in jwks must have at least " + MIN_RSA_BITS + " bits");
        }
        return jwk;
    }

    private static OAuthException invalid(String description) {
        return OAuthException.badRequest(OAuthError.INVALID_CLIENT_METADATA, description);
    }
}
