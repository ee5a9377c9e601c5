package org.smartguard.commons.audit;

/** An audit event that breaks the contract or cannot be serialized; nothing of it was stored. */
public class AuditEventRejectedException extends RuntimeException {

    public AuditEventRejectedException(String message) {
        super(message);
    }

    public AuditEventRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
