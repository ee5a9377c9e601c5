package org.smartguard.fhir.storage;

import java.io.Serializable;
import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One version of a resource, kept forever (vread, history). */
@Entity
@Table(name = "resource_history")
@IdClass(ResourceVersion.Key.class)
public class ResourceVersion extends PanacheEntityBase {

    public record Key(Long resPk, Long version) implements Serializable {
        public Key() {
            this(null, null);
        }
    }

    @Id
    @Column(name = "res_pk")
    public Long resPk;

    @Id
    public Long version;

    @Column(name = "last_updated", nullable = false)
    public Instant lastUpdated;

    @Column(nullable = false)
    public boolean deleted;

    /** POST, PUT, PATCH or DELETE: what made this version (history bundles report it). */
    @Column(nullable = false, length = 8)
    public String method;

    @Column(columnDefinition = "text")
    public String json;

    public static Optional<ResourceVersion> find(long resPk, long version) {
        return find("resPk = ?1 and version = ?2", resPk, version).firstResultOptional();
    }
}
