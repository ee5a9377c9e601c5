package org.smartguard.audit.access;

/**
 * A refused audit API request: its status, FHIR issue type, a stable code (in the body, greppable in logs) and a
 * message for the caller. 401 and 403 carry an RFC 6750 challenge.
 */
public class AuditApiException extends RuntimeException {

    private final int status;
    private final String issueType;
    private final String code;
    private final String bearerError;

    private AuditApiException(int status, String issueType, String code, String bearerError, String message) {
        super(message, null, false, false);
        this.status = status;
        this.issueType = issueType;
        this.code = code;
        this.bearerError = bearerError;
    }

    public static AuditApiException missingToken() {
        return new AuditApiException(401, "login", "SG-AUDIT-401-NO-TOKEN", null,
                "the audit API needs an Authorization: Bearer token");
    }

    public static AuditApiException invalidToken(String why) {
        return new AuditApiException(401, "login", "SG-AUDIT-401-INVALID-TOKEN", "invalid_token", why);
    }

    /** A token that is valid but grants no role here (e.g. a clinician's {@code user/*.rs}). */
    public static AuditApiException notSecurityStaff() {
        return new AuditApiException(403, "forbidden", "SG-AUDIT-403-NOT-SECURITY-STAFF", "insufficient_scope",
                "the audit API is for security staff (system/AuditEvent.rs, or user/AuditEvent.rs of a configured security"
                        + " officer) and, for their own record, patients (patient/AuditEvent.rs)");
    }

    /** A patient's token on a staff-only part of the API, or asking about another record. */
    public static AuditApiException patientNotAllowed(String what) {
        return new AuditApiException(403, "forbidden", "SG-AUDIT-403-PATIENT-SCOPE", "insufficient_scope", what);
    }

    public static AuditApiException patientContextMissing() {
        return new AuditApiException(403, "forbidden", "SG-AUDIT-403-CONTEXT", "insufficient_scope",
                "a patient/ scope needs the token's patient claim");
    }

    public static AuditApiException badParameter(String why) {
        return new AuditApiException(400, "invalid", "SG-AUDIT-400-PARAMETER", null, why);
    }

    public static AuditApiException notFound(String what) {
        return new AuditApiException(404, "not-found", "SG-AUDIT-404", null, what);
    }

    public int status() {
        return status;
    }

    public String issueType() {
        return issueType;
    }

    public String code() {
        return code;
    }

    /** The WWW-Authenticate value for 401 and 403, else null. */
    public String challenge() {
        if (status != 401 && status != 403) {
            return null;
        }
        String challenge = "Bearer realm=\"smartguard-audit\"";
        return bearerError == null ? challenge
                : challenge + ", error=\"" + bearerError + "\", error_description=\"" + getMessage().replace("\"", "'") + "\"";
    }
}
