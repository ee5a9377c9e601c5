package org.smartguard.auth.oauth;

/** The error codes of RFC 6749 (§4.1.2.1, §5.2), RFC 7009 and RFC 7591, in one place. */
public final class OAuthError {

    public static final String INVALID_REQUEST = "invalid_request";
    public static final String INVALID_CLIENT = "invalid_client";
    public static final String INVALID_GRANT = "invalid_grant";
    public static final String UNAUTHORIZED_CLIENT = "unauthorized_client";
    public static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";
    public static final String UNSUPPORTED_RESPONSE_TYPE = "unsupported_response_type";
    public static final String INVALID_SCOPE = "invalid_scope";
    public static final String ACCESS_DENIED = "access_denied";
    public static final String SERVER_ERROR = "server_error";
    public static final String UNSUPPORTED_TOKEN_TYPE = "unsupported_token_type";
    public static final String INVALID_TOKEN = "invalid_token";
    /** RFC 6750 §3.1: the bearer token lacks a scope the resource needs (403). */
    public static final String INSUFFICIENT_SCOPE = "insufficient_scope";
    public static final String INVALID_REDIRECT_URI = "invalid_redirect_uri";
    public static final String INVALID_CLIENT_METADATA = "invalid_client_metadata";

    private OAuthError() {
    }
}
