package org.smartguard.fhir.storage;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.scope.Permission;
import org.smartguard.fhir.audit.FhirAudit;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.search.IndexRows;
import org.smartguard.fhir.search.ResourceIndexer;
import org.smartguard.fhir.search.SearchService;
import org.smartguard.fhir.search.SearchUrl;
import org.smartguard.fhir.security.AccessDecision;
import org.smartguard.fhir.security.SmartAuthorization;
import org.smartguard.fhir.security.SmartRefusal;

/**
 * The instance interactions (read, vread, create, update, patch, delete), each authorized before any data is
 * read and audited in the same transaction. A resource outside what the token may see answers 404, exactly as
 * if it did not exist, so its existence does not leak.
 */
@ApplicationScoped
public class ResourceService {

    /** FHIR logical ids. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final SmartAuthorization authorization;
    private final ResourceVisibility visibility;
    private final ResourceIndexer indexer;
    private final IndexWriter indexWriter;
    private final FhirAudit audit;
    private final SearchService search;
    private final EntityManager entityManager;
    private final CurrentRows currentRows;

    ResourceService(SmartAuthorization authorization, ResourceVisibility visibility, ResourceIndexer indexer,
            IndexWriter indexWriter, FhirAudit audit, SearchService search, EntityManager entityManager, CurrentRows currentRows) {
        this.search = search;
        this.authorization = authorization;
        this.visibility = visibility;
        this.indexer = indexer;
        this.indexWriter = indexWriter;
        this.audit = audit;
        this.entityManager = entityManager;
        this.currentRows = currentRows;
    }

    /** What a write produced: the stored row and whether it was created. */
    public record Written(StoredResource resource, boolean created) {
    }

    /**
     * Joins the caller's transaction (a transaction bundle's read sees its earlier writes, and its audit event commits
     * with the bundle); alone, a read needs none: one query, and its audit event goes through the outbox's group
     * commit, durable before the response leaves, instead of a transaction and a WAL flush of its own.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public StoredResource read(String type, String id) {
        AccessDecision access = authorization.require(type, Permission.READ);
        CurrentRows.Current current = visibleCurrentWithCompartments(type, id, access);
        StoredResource stored = current.resource();
        if (stored.deleted) {
            throw FhirException.gone(type, id);
        }
        audit.record(AuditEventType.REST_READ, AuditOutcome.SUCCESS, "read", List.of(versionReference(stored, stored.version)),
                current.compartmentPatients(), null);
        return stored;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public ResourceVersion vread(String type, String id, long version) {
        AccessDecision access = authorization.require(type, Permission.READ);
        CurrentRows.Current current = visibleCurrentWithCompartments(type, id, access);
        StoredResource stored = current.resource();
        ResourceVersion found = ResourceVersion.find(stored.pk, version)
                .orElseThrow(() -> new FhirException(404, "not-found", "SG-FHIR-404-VERSION", type + "/" + id + " has no version " + version));
        if (found.deleted) {
            throw FhirException.gone(type, id);
        }
        audit.record(AuditEventType.REST_VREAD, AuditOutcome.SUCCESS, "vread", List.of(versionReference(stored, version)),
                current.compartmentPatients(), null);
        return found;
    }

    /**
     * @param ifNoneExist a conditional create's search ({@code If-None-Exist}), or null: one match returns it unchanged,
     *                    several are 412
     */
    @Transactional
    public Written create(String type, IBaseResource resource, String ifNoneExist) {
        if (ifNoneExist != null && !ifNoneExist.isBlank()) {
            List<String> matches = search.matchingIds(type, SearchUrl.parse(ifNoneExist, type).query(), 2);
            if (matches.size() > 1) {
                throw new FhirException(412, "duplicate", "SG-FHIR-412-CONDITIONAL", "If-None-Exist matches more than one " + type);
            }
            if (matches.size() == 1) {
                return new Written(StoredResource.findCurrent(type, matches.get(0)).orElseThrow(), false);
            }
        }
        return createWithId(type, UUID.randomUUID().toString(), resource);
    }

    /** A create whose server-assigned id was chosen by the caller (a batch bundle's entry). */
    @Transactional
    public Written createWithId(String type, String id, IBaseResource resource) {
        PendingWrites pending = new PendingWrites();
        Written written = createWithId(type, id, resource, pending);
        writePending(pending);
        return written;
    }

    /**
     * A create whose server-assigned id was chosen by the caller (a transaction resolving its urn:uuid references),
     * stored now but for its history row, index rows and audit events: those are added to {@code pending}, which the
     * caller must {@link #writePending write} in this same transaction before anything reads them.
     */
    @Transactional
    public Written createWithId(String type, String id, IBaseResource resource, PendingWrites pending) {
        AccessDecision access = authorization.require(type, Permission.CREATE);
        StoredResource stored = new StoredResource();
        stored.resourceType = type;
        stored.resourceId = id;
        return new Written(write(stored, resource, access, "POST", AuditEventType.REST_CREATE, pending), true);
    }

    /**
     * Writes what creates left pending: the history rows first and then the index rows (each a batch for all the
     * resources, the resource rows flushed before them), then the audit events, in one batch too.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void writePending(PendingWrites pending) {
        pending.created.forEach(created -> history(created.indexed().resource(), created.method()));
        indexWriter.add(pending.created.stream().map(PendingWrites.Created::indexed).toList());
        audit.publishAll(List.copyOf(pending.auditEvents));
        pending.clear();
    }

    /**
     * @param expectedVersion the version an {@code If-Match} names, or null
     */
    @Transactional
    public Written update(String type, String id, IBaseResource resource, Long expectedVersion) {
        requireValidId(id);
        if (!resource.getIdElement().hasIdPart() || !id.equals(resource.getIdElement().getIdPart())) {
            throw FhirException.badRequest("SG-FHIR-ID-MISMATCH", "the resource's id must equal the id in the URL (" + id + ")");
        }
        AccessDecision access = authorization.require(type, Permission.UPDATE);
        StoredResource stored = StoredResource.findCurrentForUpdate(type, id).orElse(null);
        if (stored == null) {
            AccessDecision createAccess = authorization.require(type, Permission.CREATE);
            if (expectedVersion != null) {
                throw new FhirException(412, "conflict", "SG-FHIR-412", type + "/" + id + " does not exist, so it cannot be at version " + expectedVersion);
            }
            stored = new StoredResource();
            stored.resourceType = type;
            stored.resourceId = id;
            return new Written(writeNow(stored, resource, createAccess, "PUT", AuditEventType.REST_CREATE), true);
        }
        if (!visibility.visible(stored.pk, access)) {
            throw FhirException.notFound(type, id);
        }
        if (expectedVersion != null && expectedVersion != stored.version) {
            throw new FhirException(412, "conflict", "SG-FHIR-412", type + "/" + id + " is at version " + stored.version + ", not " + expectedVersion);
        }
        boolean resurrected = stored.deleted;
        return new Written(writeNow(stored, resource, access, "PUT", AuditEventType.REST_UPDATE), resurrected);
    }

    /**
     * The patch interaction: the JSON Patch is applied to the current version, the result parsed strictly and stored
     * as a new version. The patch may not change the resource's type or id.
     */
    @Transactional
    public Written patch(String type, String id, String jsonPatch, Long expectedVersion) {
        AccessDecision access = authorization.require(type, Permission.UPDATE);
        StoredResource stored = StoredResource.findCurrentForUpdate(type, id)
                .filter(found -> !found.deleted && visibility.visible(found.pk, access))
                .orElseThrow(() -> FhirException.notFound(type, id));
        if (expectedVersion != null && expectedVersion != stored.version) {
            throw new FhirException(412, "conflict", "SG-FHIR-412", type + "/" + id + " is at version " + stored.version + ", not " + expectedVersion);
        }
        IBaseResource patched = FhirBodies.parseJson(JsonPatches.apply(stored.json, jsonPatch), type);
        if (!id.equals(patched.getIdElement().getIdPart())) {
            throw FhirException.badRequest("SG-FHIR-ID-MISMATCH", "a patch may not change the resource's id");
        }
        return new Written(writeNow(stored, patched, access, "PATCH", AuditEventType.REST_PATCH), false);
    }

    /** @return false when there was nothing left to delete (already deleted) */
    @Transactional
    public boolean delete(String type, String id) {
        requireValidId(id);
        AccessDecision access = authorization.require(type, Permission.DELETE);
        StoredResource stored = StoredResource.findCurrentForUpdate(type, id)
                .filter(found -> visibility.visible(found.pk, access))
                .orElseThrow(() -> FhirException.notFound(type, id));
        if (stored.deleted) {
            return false;
        }
        stored.version++;
        stored.lastUpdated = Instant.now();
        stored.deleted = true;
        stored.json = null;
        history(stored, "DELETE");
        indexWriter.replace(stored, null);
        audit.record(AuditEventType.REST_DELETE, AuditOutcome.SUCCESS, "delete", List.of(versionReference(stored, stored.version)),
                compartmentPatients(stored.pk), null);
        return true;
    }

    private StoredResource writeNow(StoredResource stored, IBaseResource resource, AccessDecision access, String method, AuditEventType type) {
        PendingWrites pending = new PendingWrites();
        write(stored, resource, access, method, type, pending);
        writePending(pending);
        return stored;
    }

    /** Stores the new version; a new resource's history and index rows, and every write's audit events, go to {@code pending}. */
    private StoredResource write(StoredResource stored, IBaseResource resource, AccessDecision access, String method, AuditEventType type,
            PendingWrites pending) {
        boolean isNew = stored.pk == null;
        stored.version = isNew ? 1 : stored.version + 1;
        stored.lastUpdated = Instant.now();
        stored.deleted = false;
        resource.setId(stored.resourceType + "/" + stored.resourceId);
        resource.getMeta().setVersionId(Long.toString(stored.version));
        resource.getMeta().setLastUpdated(Date.from(stored.lastUpdated));
        IndexRows rows = indexer.index(resource);
        if (!visibility.allows(rows, access)) {
            throw SmartRefusal.insufficientScope("a scope reaching every patient this " + stored.resourceType + " belongs to");
        }
        stored.json = FhirBodies.encode(resource);
        if (isNew) {
            stored.persist();
            pending.created.add(new PendingWrites.Created(new IndexWriter.Indexed(stored, rows), method));
        } else {
            history(stored, method);
            indexWriter.replace(stored, rows);
        }
        pending.auditEvents.add(audit.event(type, AuditOutcome.SUCCESS, method.equals("POST") ? "create" : method.toLowerCase(java.util.Locale.ROOT),
                List.of(versionReference(stored, stored.version)), rows.compartmentPatients, null));
        return stored;
    }

    private static void history(StoredResource stored, String method) {
        ResourceVersion version = new ResourceVersion();
        version.resPk = stored.pk;
        version.version = stored.version;
        version.lastUpdated = stored.lastUpdated;
        version.deleted = stored.deleted;
        version.method = method;
        version.json = stored.json;
        version.persist();
    }

    /** The current row of a resource the decision lets the token see, else 404 as if it did not exist. */
    public StoredResource visibleCurrent(String type, String id, AccessDecision access) {
        return visibleCurrentWithCompartments(type, id, access).resource();
    }

    private CurrentRows.Current visibleCurrentWithCompartments(String type, String id, AccessDecision access) {
        requireValidId(id);
        return currentRows.find(type, id)
                .filter(found -> visibility.visible(found.resource().pk, found.compartmentPatients(), access))
                .orElseThrow(() -> FhirException.notFound(type, id));
    }

    @SuppressWarnings("unchecked")
    private List<String> compartmentPatients(long pk) {
        return entityManager.createNativeQuery("SELECT patient_id FROM resource_compartment WHERE res_pk = ?1")
                .setParameter(1, pk).getResultList();
    }

    private static String versionReference(StoredResource stored, long version) {
        return stored.resourceType + "/" + stored.resourceId + "/_history/" + version;
    }

    private static void requireValidId(String id) {
        if (!ID.matcher(id).matches()) {
            throw FhirException.badRequest("SG-FHIR-ID", "a resource id is 1 to 64 letters, digits, '-' or '.'");
        }
    }
}
