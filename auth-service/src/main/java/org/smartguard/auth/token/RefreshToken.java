package org.smartguard.auth.token;

import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A refresh token, stored by hash. Each use rotates it: the used row gets {@code rotatedAt} and a new row of the
 * same family is issued. Presenting a rotated token again means it leaked: the whole family is revoked.
 */
@Entity
@Table(name = "refresh_token", indexes = @Index(name = "refresh_token_family", columnList = "family_id"))
public class RefreshToken extends PanacheEntityBase {

    @Id
    @Column(name = "token_hash", length = 64)
    public String tokenHash;

    @Column(name = "family_id", nullable = false, length = 64)
    public String familyId;

    @Column(name = "client_id", nullable = false, length = 128)
    public String clientId;

    @Column(nullable = false, length = 128)
    public String subject;

    @Column(name = "fhir_user", length = 200)
    public String fhirUser;

    @Column(nullable = false, columnDefinition = "text")
    public String scope;

    @Column(length = 64)
    public String patient;

    @Column(length = 64)
    public String encounter;

    /** SMART fhirContext as JSON, or null. */
    @Column(name = "fhir_context", columnDefinition = "text")
    public String fhirContext;

    @Column(name = "need_patient_banner", nullable = false)
    public boolean needPatientBanner;

    @Column(name = "auth_time")
    public Instant authTime;

    @Column(name = "issued_at", nullable = false)
    public Instant issuedAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "rotated_at")
    public Instant rotatedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    public static Optional<RefreshToken> findByHash(String hash) {
        return findByIdOptional(hash);
    }

    /** Revokes every refresh token of the family; returns how many were still usable. */
    public static int revokeFamily(String familyId, Instant now) {
        return update("revokedAt = ?1 where familyId = ?2 and revokedAt is null", now, familyId);
    }
}
