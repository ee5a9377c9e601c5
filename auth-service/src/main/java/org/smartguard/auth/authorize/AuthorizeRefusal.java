package org.smartguard.auth.authorize;

/**
 * A refusal at the authorization endpoint. Until the client and its redirect URI are known to be registered, the
 * refusal is shown on an error page (redirecting would make this server an open redirector); after that it goes back
 * to the app as {@code redirect_uri?error=...&error_description=...&state=...} (RFC 6749 §4.1.2.1).
 */
public class AuthorizeRefusal extends RuntimeException {

    private final String error;
    private final String redirectUri;
    private final String state;

    private AuthorizeRefusal(String error, String description, String redirectUri, String state) {
        super(description, null, false, false);
        this.error = error;
        this.redirectUri = redirectUri;
        this.state = state;
    }

    /** Shown to the user, never redirected: the redirect URI cannot be trusted (or the flow state is gone). */
    public static AuthorizeRefusal page(String error, String description) {
        return new AuthorizeRefusal(error, description, null, null);
    }

    /** Sent back to the registered redirect URI with the app's state (null when the app sent none). */
    public static AuthorizeRefusal redirect(String error, String description, String redirectUri, String state) {
        return new AuthorizeRefusal(error, description, redirectUri, state);
    }

    public boolean redirects() {
        return redirectUri != null;
    }

    public String error() {
        return error;
    }

    public String description() {
        return getMessage();
    }

    public String redirectUri() {
        return redirectUri;
    }

    public String state() {
        return state;
    }
}
