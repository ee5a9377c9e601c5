package org.smartguard.auth.authorize;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import org.smartguard.commons.urls.PublicUrls;

import io.quarkus.qute.TemplateInstance;

/**
 * Responses of the login and consent flow: pages that are never cached nor framed (no clickjacking of the consent
 * buttons), redirects back to the app, and the HttpOnly, SameSite=Lax cookie that holds the pending authorization id.
 */
@ApplicationScoped
class HtmlResponses {

    static final String COOKIE = "smartguard_authorize";
    /** The cookie goes only to the flow's own endpoints, under the public path the gateway forwards unchanged. */
    private static final String COOKIE_PATH = "/auth/authorize";
    /** Inline styles only; form-action is left open because the consent form's answer redirects to the app. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

    private final boolean secureCookies;
    private final AuthorizeConfig config;

    HtmlResponses(PublicUrls urls, AuthorizeConfig config) {
        this.secureCookies = urls.base().startsWith("https://");
        this.config = config;
    }

    Response page(int status, TemplateInstance page) {
        return noStore(Response.status(status).entity(page.render()).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")))
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff")
                .build();
    }

    /** A page of the flow that moves it to a new pending id. */
    Response page(int status, TemplateInstance page, String pendingId) {
        return Response.fromResponse(page(status, page)).cookie(cookie(pendingId, (int) config.pendingLifetime().toSeconds())).build();
    }

    /** Back to the app; the flow is over, so the cookie is cleared. */
    Response redirect(URI location) {
        return noStore(Response.status(Response.Status.FOUND).location(location))
                .header("Referrer-Policy", "no-referrer")
                .cookie(cookie("", 0))
                .build();
    }

    private NewCookie cookie(String value, int maxAge) {
        return new NewCookie.Builder(COOKIE)
                .value(value)
                .path(COOKIE_PATH)
                .maxAge(maxAge)
                .httpOnly(true)
                .secure(secureCookies)
                .sameSite(NewCookie.SameSite.LAX)
                .build();
    }

    private static Response.ResponseBuilder noStore(Response.ResponseBuilder response) {
        return response.header(HttpHeaders.CACHE_CONTROL, "no-store").header("Pragma", "no-cache");
    }
}
