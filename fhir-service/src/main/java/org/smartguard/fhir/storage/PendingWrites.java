package org.smartguard.fhir.storage;

import java.util.ArrayList;
import java.util.List;

import org.smartguard.commons.audit.AuditEventBuilder;

/**
 * What creates leave to write in their transaction: each new resource's history row and index rows, and the audit
 * events. A transaction bundle collects its creates' here and {@link ResourceService#writePending writes} them
 * together (one multi-row INSERT per table) instead of a dozen round trips per resource; they still commit or roll
 * back with the bundle.
 */
public final class PendingWrites {

    /** A resource stored for the first time, and how (POST or PUT). */
    record Created(IndexWriter.Indexed indexed, String method) {
    }

    final List<Created> created = new ArrayList<>();
    final List<AuditEventBuilder> auditEvents = new ArrayList<>();

    void clear() {
        created.clear();
        auditEvents.clear();
    }
}
