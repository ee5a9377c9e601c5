package org.smartguard.auth.token;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A revoked access token, kept until it would have expired: the source of truth of the denylist. Redis holds a copy
 * that verifiers read on every request; this table survives a Redis outage or restart, refills Redis
 * ({@link DenylistCopy}) and feeds {@code GET /auth/revocations}.
 */
@Entity
@Table(name = "revoked_access_token", indexes = @Index(name = "revoked_access_token_expiry", columnList = "expires_at"))
public class RevokedAccessToken extends PanacheEntityBase {

    @Id
    @Column(length = 64)
    public String jti;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    /** Records the revocation; revoking an already revoked token changes nothing. */
    static void record(String jti, Instant expiresAt) {
        getEntityManager()
                .createNativeQuery("insert into revoked_access_token (jti, expires_at) values (?1, ?2) on conflict (jti) do nothing")
                .setParameter(1, jti)
                .setParameter(2, expiresAt)
                .executeUpdate();
    }

    public static boolean isRevoked(String jti, Instant now) {
        return count("jti = ?1 and expiresAt > ?2", jti, now) > 0;
    }

    /** Every revoked token still within its lifetime (one range scan of the expiry index). */
    public static List<RevokedAccessToken> findUnexpired(Instant now) {
        return list("expiresAt > ?1", now);
    }

    static long deleteExpired(Instant now) {
        return delete("expiresAt <= ?1", now);
    }
}
