package org.smartguard.auth.oauth;

/** A refusal answered as RFC 6749 JSON: {@code {"error": ..., "error_description": ...}}. */
public class OAuthException extends RuntimeException {

    private final int status;
    private final String error;

    public OAuthException(int status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    /** 400 with the given error code, the usual case at the token endpoint. */
    public static OAuthException badRequest(String error, String description) {
        return new OAuthException(400, error, description);
    }

    /** 401 invalid_client: the client could not be authenticated. */
    public static OAuthException invalidClient(String description) {
        return new OAuthException(401, OAuthError.INVALID_CLIENT, description);
    }

    /** 401 invalid_token: a bearer token is missing, invalid, expired or revoked (RFC 6750 §3.1). */
    public static OAuthException invalidToken(String description) {
        return new OAuthException(401, OAuthError.INVALID_TOKEN, description);
    }

    /** 403 insufficient_scope: the bearer token is valid but lacks a scope this endpoint needs (RFC 6750 §3.1). */
    public static OAuthException insufficientScope(String description) {
        return new OAuthException(403, OAuthError.INSUFFICIENT_SCOPE, description);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String description() {
        return getMessage();
    }
}
