package org.smartguard.fhir.storage;

import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** The current version of a resource: what reads and searches see. Deleted resources keep a row (410 Gone). */
@Entity
@Table(name = "resource")
public class StoredResource extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "resource_pk")
    @SequenceGenerator(name = "resource_pk", sequenceName = "resource_pk_seq", allocationSize = 50)
    public Long pk;

    @Column(name = "res_type", nullable = false, length = 64)
    public String resourceType;

    @Column(name = "res_id", nullable = false, length = 64)
    public String resourceId;

    @Column(nullable = false)
    public long version;

    @Column(name = "last_updated", nullable = false)
    public Instant lastUpdated;

    @Column(nullable = false)
    public boolean deleted;

    /** The resource as served (null once deleted). */
    @Column(columnDefinition = "text")
    public String json;

    public static Optional<StoredResource> findCurrent(String type, String id) {
        return find("resourceType = ?1 and resourceId = ?2", type, id).firstResultOptional();
    }

    /** The current row, locked until the transaction ends: concurrent writers of one resource queue up. */
    public static Optional<StoredResource> findCurrentForUpdate(String type, String id) {
        return find("resourceType = ?1 and resourceId = ?2", type, id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }
}
