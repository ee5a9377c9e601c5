package org.smartguard.fhir.errors;

/**
 * A refusal answered as an OperationOutcome: HTTP status, FHIR issue type, a stable code (also recorded in the
 * audit event) and a sentence that says what is wrong without echoing secrets.
 */
public class FhirException extends RuntimeException {

    private final int status;
    private final String issueType;
    private final String code;
    private final Long retryAfterSeconds;

    public FhirException(int status, String issueType, String code, String diagnostics) {
        this(status, issueType, code, diagnostics, null);
    }

    private FhirException(int status, String issueType, String code, String diagnostics, Long retryAfterSeconds) {
        super(diagnostics, null, false, false);
        this.status = status;
        this.issueType = issueType;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429 with {@code Retry-After}: the client has too much in flight and may try again later. */
    public static FhirException tooManyRequests(String code, String diagnostics, java.time.Duration retryAfter) {
        return new FhirException(429, "throttled", code, diagnostics, Math.max(1, retryAfter.toSeconds()));
    }

    public static FhirException badRequest(String code, String diagnostics) {
        return new FhirException(400, "invalid", code, diagnostics);
    }

    public static FhirException notFound(String type, String id) {
        return new FhirException(404, "not-found", "SG-FHIR-404", type + "/" + id + " is not known");
    }

    public static FhirException gone(String type, String id) {
        return new FhirException(410, "deleted", "SG-FHIR-410", type + "/" + id + " has been deleted");
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

    /** Seconds for a {@code Retry-After} header, or null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
