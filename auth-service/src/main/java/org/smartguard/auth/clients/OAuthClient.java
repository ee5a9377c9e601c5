package org.smartguard.auth.clients;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A registered OAuth client. Redirect URIs are compared exactly; scopes and grant types are allow-lists. */
@Entity
@Table(name = "oauth_client")
public class OAuthClient extends PanacheEntityBase {

    @Id
    @Column(name = "client_id", length = 128)
    public String clientId;

    @Column(nullable = false, length = 200)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 32)
    public ClientType type;

    /** SHA-256 of the secret, as {@link org.smartguard.auth.oauth.SecureTokens#hash} makes it (secrets are generated, 256 random bits). */
    @Column(name = "secret_hash", length = 64)
    public String secretHash;

    /** The client's public keys as a JWKS document, for {@code private_key_jwt}. */
    @Column(columnDefinition = "text")
    public String jwks;

    /** Where the client publishes its JWKS, as an alternative to {@link #jwks}. */
    @Column(name = "jwks_uri", length = 2000)
    public String jwksUri;

    /** Registered redirect URIs, one per line. */
    @Column(name = "redirect_uris", columnDefinition = "text", nullable = false)
    public String redirectUris = "";

    /** Scopes this client may be granted, space-separated (SMART scope syntax; {@code patient/*.*} style wildcards). */
    @Column(name = "allowed_scopes", columnDefinition = "text", nullable = false)
    public String allowedScopes = "";

    /** Grant types, space-separated. */
    @Column(name = "grant_types", nullable = false, length = 200)
    public String grantTypes = "";

    @Column(name = "created_at", nullable = false)
    public Instant createdAt = Instant.now();

    public static Optional<OAuthClient> findByClientId(String clientId) {
        return clientId == null ? Optional.empty() : findByIdOptional(clientId);
    }

    public List<String> redirectUriList() {
        return redirectUris.isBlank() ? List.of() : Arrays.asList(redirectUris.split("\n"));
    }

    /** Exact string comparison, as RFC 6749 §3.1.2 and SMART require: no prefix or pattern matching. */
    public boolean hasRedirectUri(String uri) {
        return uri != null && redirectUriList().contains(uri);
    }

    public boolean allowsGrant(String grantType) {
        return Arrays.asList(grantTypes.split(" ")).contains(grantType);
    }
}
