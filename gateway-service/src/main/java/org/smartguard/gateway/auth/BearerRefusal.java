package org.smartguard.gateway.auth;

/**
 * Why a request's bearer credentials were refused, as RFC 6750 §3 frames it: the status, the
 * {@code WWW-Authenticate} error code (none when no credentials were sent), and a sentence without the token.
 */
public class BearerRefusal extends RuntimeException {

    private final int status;
    private final String error;
    private final String code;

    private BearerRefusal(int status, String error, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.code = code;
    }

    static BearerRefusal missing() {
        return new BearerRefusal(401, null, "SG-GW-401-NO-TOKEN", "this resource needs an Authorization: Bearer token");
    }

    static BearerRefusal invalidRequest(String message) {
        return new BearerRefusal(400, "invalid_request", "SG-GW-400-TOKEN-REQUEST", message);
    }

    static BearerRefusal invalidToken(String message) {
        return new BearerRefusal(401, "invalid_token", "SG-GW-401-INVALID-TOKEN", message);
    }

    /** The token is on the denylist. */
    public static BearerRefusal revoked() {
        return invalidToken("the token has been revoked");
    }

    static BearerRefusal insufficientScope(String message) {
        return new BearerRefusal(403, "insufficient_scope", "SG-GW-403-SCOPE", message);
    }

    public int status() {
        return status;
    }

    /** The {@code WWW-Authenticate} value. */
    public String challenge() {
        String challenge = "Bearer realm=\"smartguard\"";
        if (error != null) {
            challenge += ", error=\"" + error + "\", error_description=\"" + getMessage().replace("\"", "'") + "\"";
        }
        return challenge;
    }

    /** The stable refusal code for the OperationOutcome and the audit event. */
    public String code() {
        return code;
    }
}
