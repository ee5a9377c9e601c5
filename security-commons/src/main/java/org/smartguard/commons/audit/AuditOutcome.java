package org.smartguard.commons.audit;

import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;

/** AuditEvent.outcome: 0 success, 4 minor failure (a refused request), 8 serious, 12 major failure. */
public enum AuditOutcome {
    SUCCESS(AuditEventOutcome._0),
    MINOR_FAILURE(AuditEventOutcome._4),
    SERIOUS_FAILURE(AuditEventOutcome._8),
    MAJOR_FAILURE(AuditEventOutcome._12);

    private final AuditEventOutcome code;

    AuditOutcome(AuditEventOutcome code) {
        this.code = code;
    }

    AuditEventOutcome code() {
        return code;
    }
}
