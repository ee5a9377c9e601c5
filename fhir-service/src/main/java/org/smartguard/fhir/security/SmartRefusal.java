package org.smartguard.fhir.security;

/** A request its token does not allow: 401 {@code invalid_token} or 403 {@code insufficient_scope} (RFC 6750). */
public class SmartRefusal extends RuntimeException {

    private final int status;
    private final String error;
    private final String code;

    private SmartRefusal(int status, String error, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.code = code;
    }

    public static SmartRefusal missingToken() {
        return new SmartRefusal(401, null, "SG-FHIR-401-NO-TOKEN", "this resource needs an Authorization: Bearer token");
    }

    public static SmartRefusal invalidToken(String why) {
        return new SmartRefusal(401, "invalid_token", "SG-FHIR-401-INVALID-TOKEN", why);
    }

    /** @param missing what the token would need, e.g. {@code patient/Observation.rs} */
    public static SmartRefusal insufficientScope(String missing) {
        return new SmartRefusal(403, "insufficient_scope", "SG-FHIR-403-SCOPE", "the token's scopes do not allow this: it needs " + missing);
    }

    /** The token's context cannot be interpreted safely (e.g. a patient/ scope without a patient claim). */
    public static SmartRefusal unusableContext(String why) {
        return new SmartRefusal(403, "insufficient_scope", "SG-FHIR-403-CONTEXT", why);
    }

    /** The same refusal, naming the bundle entry that caused it. */
    public static SmartRefusal atEntry(SmartRefusal refusal, int index) {
        return new SmartRefusal(refusal.status, refusal.error, refusal.code, "entry " + index + ": " + refusal.getMessage());
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String challenge() {
        String challenge = "Bearer realm=\"smartguard\"";
        return error == null ? challenge : challenge + ", error=\"" + error + "\", error_description=\"" + getMessage().replace("\"", "'") + "\"";
    }
}
