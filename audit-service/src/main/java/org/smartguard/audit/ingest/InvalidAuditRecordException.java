package org.smartguard.audit.ingest;

/** A record that is not a valid audit event; its message is the reason written to the dead-letter topic. */
public class InvalidAuditRecordException extends Exception {

    public InvalidAuditRecordException(String reason) {
        super(reason);
    }
}
