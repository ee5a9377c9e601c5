package org.smartguard.audit.dashboard;

import java.time.Duration;
import java.time.Instant;

import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

/**
 * How a browser holds a security officer's session: the staff token, given once to the login form, kept in an
 * HttpOnly, SameSite=Strict cookie scoped to /audit that lives no longer than the token. HttpOnly keeps it from
 * scripts (the pages have none anyway), SameSite=Strict keeps other sites from sending it, and only the dashboard's
 * own paths accept it. Each request checks it like a bearer token (signature, expiry, revocation, role).
 */
public final class DashboardSession {

    public static final String COOKIE = "sg_audit_session";
    /** Paths relative to /audit. */
    public static final String DASHBOARD_PATH = "dashboard";
    public static final String LOGIN_PATH = "dashboard/login";
    public static final String STYLESHEET_PATH = "dashboard/dashboard.css";
    private static final String COOKIE_PATH = "/audit";

    private DashboardSession() {
    }

    public static boolean isDashboardPath(String path) {
        return path.equals(DASHBOARD_PATH) || path.startsWith(DASHBOARD_PATH + "/");
    }

    /** Where a browser without a valid session goes. */
    public static Response toLogin() {
        return seeOther("/audit/" + LOGIN_PATH).build();
    }

    /**
     * A 303 to a path of this origin, written as is: JAX-RS would resolve a relative URI against the address this
     * service was reached at, which behind the gateway is not the browser's.
     */
    static Response.ResponseBuilder seeOther(String path) {
        return Response.status(Response.Status.SEE_OTHER).header("Location", path).header("Cache-Control", "no-store");
    }

    static NewCookie open(String token, Instant expiresAt, boolean secure) {
        long seconds = Math.max(0, Duration.between(Instant.now(), expiresAt).getSeconds());
        return cookie(token, (int) Math.min(Integer.MAX_VALUE, seconds), secure);
    }

    static NewCookie close(boolean secure) {
        return cookie("", 0, secure);
    }

    private static NewCookie cookie(String value, int maxAge, boolean secure) {
        return new NewCookie.Builder(COOKIE).value(value).path(COOKIE_PATH).maxAge(maxAge).httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }
}
