package org.smartguard.audit.access;

/** What a caller of the audit API may see. */
public enum AuditRole {
    /** Every stored event and alert, the export and the dashboard. */
    SECURITY_STAFF,
    /** Only the events about the token's own patient record, without network addresses or token ids. */
    PATIENT
}
