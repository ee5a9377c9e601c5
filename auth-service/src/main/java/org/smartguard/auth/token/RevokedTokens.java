package org.smartguard.auth.token;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.smartguard.commons.tokens.RevokedTokenKeys;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.set.SetCommands;

/**
 * Access-token revocation. Access tokens are self-contained JWTs, so revoking one means putting its {@code jti} on
 * a denylist, until the token would have expired. The denylist's source of truth is PostgreSQL
 * ({@link RevokedAccessToken}, committed first); Redis holds the copy the gateway and the fhir-service read on every
 * request. When Redis fails the revocation still stands: {@link DenylistCopy} writes it to Redis once Redis answers,
 * and verifiers meanwhile consult {@code GET /auth/revocations}. The jtis issued in a grant family are remembered in
 * Redis for as long as they live, so a whole family can be revoked (code replay, refresh-token reuse).
 */
@ApplicationScoped
public class RevokedTokens {

    private static final Logger LOG = Logger.getLogger(RevokedTokens.class);
    private static final String FAMILY_PREFIX = "smartguard:family-jtis:";

    private final SetCommands<String, String> sets;
    private final KeyCommands<String> keys;
    private final DenylistCopy copy;

    RevokedTokens(RedisDataSource redis, DenylistCopy copy) {
        this.sets = redis.set(String.class);
        this.keys = redis.key();
        this.copy = copy;
    }

    /** Remembers that {@code jti} (valid until {@code expiresAt}) belongs to the family. */
    public void recordIssued(String familyId, String jti, Instant expiresAt) {
        String key = FAMILY_PREFIX + familyId;
        sets.sadd(key, jti + "|" + expiresAt.getEpochSecond());
        keys.expireat(key, expiresAt.getEpochSecond() + 60);
    }

    public void revoke(String jti, Instant expiresAt) {
        revokeAll(List.of(new Revoked(jti, expiresAt)));
    }

    /** Whether the jti is revoked: Redis, or PostgreSQL while Redis cannot answer. */
    public boolean isRevoked(String jti) {
        try {
            return keys.exists(RevokedTokenKeys.of(jti));
        } catch (RuntimeException redisDown) {
            return QuarkusTransaction.joiningExisting().call(() -> RevokedAccessToken.isRevoked(jti, Instant.now()));
        }
    }

    /** Denylists every access token of the family that can still be used. */
    public void revokeFamily(String familyId) {
        Set<String> members;
        try {
            members = sets.smembers(FAMILY_PREFIX + familyId);
        } catch (RuntimeException redisDown) {
            // the family's membership lives in Redis only: its access tokens (minutes long) cannot be named now;
            // the caller still revokes the family's refresh tokens in PostgreSQL
            LOG.warnf("Redis failed (%s): the access tokens of family %s cannot be listed and stay valid until they expire",
                    redisDown.getMessage(), familyId);
            return;
        }
        revokeAll(members.stream().map(entry -> {
            int bar = entry.lastIndexOf('|');
            return new Revoked(entry.substring(0, bar), Instant.ofEpochSecond(Long.parseLong(entry.substring(bar + 1))));
        }).toList());
    }

    private record Revoked(String jti, Instant expiresAt) {
    }

    /** PostgreSQL first (committed on its own, whatever the caller's transaction does next), then Redis. */
    private void revokeAll(List<Revoked> tokens) {
        Instant now = Instant.now();
        List<Revoked> live = tokens.stream().filter(token -> token.expiresAt().isAfter(now)).toList();
        if (live.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> live.forEach(token -> RevokedAccessToken.record(token.jti(), token.expiresAt())));
        try {
            live.forEach(token -> copy.write(token.jti(), token.expiresAt()));
        } catch (RuntimeException redisDown) {
            LOG.warnf("Redis failed (%s): %d revocation(s) recorded in PostgreSQL, copied to Redis once it answers",
                    redisDown.getMessage(), live.size());
            copy.redisMissedAWrite();
        }
    }
}
