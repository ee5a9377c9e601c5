package org.smartguard.commons.testing;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

/**
 * A signed test token with what a revocation test revokes it by: its {@code jti} (for the Redis denylist key,
 * {@code RevokedTokenKeys.of(jti)}) and its {@code exp} (for the {@link RevocationListServer}).
 */
public record RevocableToken(String jwt, String jti, long exp) {

    /** Signs these claims; from {@link TestAuthority#claims(String)}, each token has a jti of its own. */
    public static RevocableToken sign(JwtClaims claims) {
        try {
            return new RevocableToken(TestAuthority.sign(claims), claims.getJwtId(), claims.getExpirationTime().getValue());
        } catch (MalformedClaimException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Revokes it on the auth-service stand-in of {@link RedisOutage}. */
    public void revokeOnList() {
        RedisOutage.list().revoke(jti, exp);
    }
}
