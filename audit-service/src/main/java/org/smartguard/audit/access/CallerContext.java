package org.smartguard.audit.access;

import jakarta.enterprise.context.RequestScoped;

/** The authenticated caller of the current request, set by {@link AuditAccessFilter}. */
@RequestScoped
public class CallerContext {

    private AuditCaller caller;

    void set(AuditCaller caller) {
        this.caller = caller;
    }

    public AuditCaller caller() {
        if (caller == null) {
            throw AuditApiException.missingToken();
        }
        return caller;
    }

    /** The caller, who must be security staff. */
    public AuditCaller staff() {
        AuditCaller current = caller();
        if (!current.isStaff()) {
            throw AuditApiException.patientNotAllowed("only security staff may use this part of the audit API; a patient's"
                    + " token sees its own record's history at /audit/AuditEvent");
        }
        return current;
    }
}
