package org.smartguard.auth.keys;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * An RSA key that signs tokens: the next key (published, not yet signing) until {@code activatedAt}, then the current
 * key until {@code retiredAt}, then published a while longer.
 */
@Entity
@Table(name = "signing_key")
public class SigningKey extends PanacheEntityBase {

    @Id
    @Column(length = 64)
    public String kid;

    @Column(nullable = false, length = 16)
    public String algorithm;

    /** The public half as a JWK (JSON), as published at /auth/jwks. */
    @Column(name = "public_jwk", nullable = false, columnDefinition = "text")
    public String publicJwk;

    /** The private half, PKCS#8 DER, base64. */
    @Column(name = "private_key", nullable = false, columnDefinition = "text")
    public String privateKey;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** When it began to sign; null while it is the next key. */
    @Column(name = "activated_at")
    public Instant activatedAt;

    @Column(name = "retired_at")
    public Instant retiredAt;

    /** The key that signs now. */
    public static Optional<SigningKey> findCurrent() {
        return find("retiredAt is null and activatedAt is not null order by activatedAt desc").firstResultOptional();
    }

    /** The key that signs after the next rotation, already published. */
    public static Optional<SigningKey> findNext() {
        return find("retiredAt is null and activatedAt is null order by createdAt").firstResultOptional();
    }

    /** The current and the next key and the keys retired after {@code retiredAfter}, newest first. */
    public static List<SigningKey> findVerifying(Instant retiredAfter) {
        return list("retiredAt is null or retiredAt > ?1 order by createdAt desc", retiredAfter);
    }

    public static Optional<SigningKey> findLastRetired() {
        return find("retiredAt is not null order by retiredAt desc").firstResultOptional();
    }
}
