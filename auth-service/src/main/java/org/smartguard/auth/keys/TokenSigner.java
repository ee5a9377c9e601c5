package org.smartguard.auth.keys;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/** Signs JWTs (access and id tokens) with the active key: RS256, with {@code kid} and {@code typ}. */
@ApplicationScoped
public class TokenSigner {

    /** RFC 9068 media type of JWT access tokens. */
    public static final String ACCESS_TOKEN_TYPE = "at+jwt";
    public static final String ID_TOKEN_TYPE = "JWT";

    private final SigningKeys keys;

    TokenSigner(SigningKeys keys) {
        this.keys = keys;
    }

    public String sign(JwtClaims claims, String type) {
        SigningKeys.ActiveKey key = keys.active();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(key.kid());
        jws.setHeader("typ", type);
        jws.setKey(key.privateKey());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }
}
