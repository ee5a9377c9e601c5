package org.smartguard.auth.token;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.tokens.RevokedTokenKeys;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.set.SetCommands;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * Access-token revocation in Redis. Access tokens are self-contained JWTs, so revoking one means putting its
 * {@code jti} on a denylist that the gateway and the fhir-service consult, until the token would have expired.
 * The jtis issued in a grant family are remembered for as long as they live, so a whole family can be revoked
 * (code replay, refresh-token reuse).
 */
@ApplicationScoped
public class RevokedTokens {

    private static final String FAMILY_PREFIX = "smartguard:family-jtis:";

    private final ValueCommands<String, String> values;
    private final SetCommands<String, String> sets;
    private final KeyCommands<String> keys;

    RevokedTokens(RedisDataSource redis) {
        this.values = redis.value(String.class);
        this.sets = redis.set(String.class);
        this.keys = redis.key();
    }

    /** Remembers that {@code jti} (valid until {@code expiresAt}) belongs to the family. */
    public void recordIssued(String familyId, String jti, Instant expiresAt) {
        String key = FAMILY_PREFIX + familyId;
        sets.sadd(key, jti + "|" + expiresAt.getEpochSecond());
        keys.expireat(key, expiresAt.getEpochSecond() + 60);
    }

    public void revoke(String jti, Instant expiresAt) {
        Duration left = Duration.between(Instant.now(), expiresAt);
        if (!left.isNegative() && !left.isZero()) {
            values.setex(RevokedTokenKeys.of(jti), Math.max(1, left.toSeconds() + 1), "revoked");
        }
    }

    public boolean isRevoked(String jti) {
        return keys.exists(RevokedTokenKeys.of(jti));
    }

    /** Denylists every access token of the family that can still be used. */
    public void revokeFamily(String familyId) {
        for (String entry : sets.smembers(FAMILY_PREFIX + familyId)) {
            int bar = entry.lastIndexOf('|');
            revoke(entry.substring(0, bar), Instant.ofEpochSecond(Long.parseLong(entry.substring(bar + 1))));
        }
    }
}
