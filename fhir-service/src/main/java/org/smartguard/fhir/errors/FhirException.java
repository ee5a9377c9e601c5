package org.smartguard.fhir.errors;

/**
 * A refusal answered as an OperationOutcome: HTTP status, FHIR issue type, a stable code (also recorded in the
 * audit event) and a sentence that says what is wrong without echoing secrets.
 */
public class FhirException extends RuntimeException {

    private final int status;
    private final String issueType;
    private final String code;

    public FhirException(int status, String issueType, String code, String diagnostics) {
        super(diagnostics, null, false, false);
        this.status = status;
        this.issueType = issueType;
        this.code = code;
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
}
