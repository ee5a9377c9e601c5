package org.smartguard.audit.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.smartguard.audit.access.AuditApiConfig;
import org.smartguard.audit.access.AuditApiException;
import org.smartguard.audit.access.CallerContext;
import org.smartguard.audit.access.TokenCheck;
import org.smartguard.audit.alerts.AlertQueries;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/**
 * The security dashboard: events and denials per hour (an SVG chart drawn on the server), the open alerts with
 * their evidence, and the busiest users and addresses. Plain server-rendered HTML (Qute, escaped), one stylesheet,
 * no script, under a CSP that allows nothing else. A browser signs in once with a staff token (see
 * {@link DashboardSession}); a client that sends the bearer header may fetch the page directly.
 */
@Path("/dashboard")
public class DashboardResource {

    /** Nothing but this service's stylesheet and same-origin form posts; no script, no frames, no inline style. */
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    private static final int TOP = 10;
    private static final int ALERTS = 25;

    private final Template dashboard;
    private final Template login;
    private final DashboardQueries queries;
    private final AlertQueries alerts;
    private final CallerContext callers;
    private final TokenCheck tokens;
    private final AuditApiConfig config;

    DashboardResource(@Location("dashboard.html") Template dashboard, @Location("login.html") Template login,
            DashboardQueries queries, AlertQueries alerts, CallerContext callers, TokenCheck tokens, AuditApiConfig config) {
        this.dashboard = dashboard;
        this.login = login;
        this.queries = queries;
        this.alerts = alerts;
        this.callers = callers;
        this.tokens = tokens;
        this.config = config;
    }

    @GET
    @Blocking
    @Produces(MediaType.TEXT_HTML)
    public Response page() throws SQLException {
        callers.staff();
        Instant now = Instant.now();
        Instant since = now.truncatedTo(ChronoUnit.HOURS).minus(config.dashboardHours() - 1L, ChronoUnit.HOURS);
        String html = dashboard
                .data("hours", config.dashboardHours())
                .data("chart", HourlyChart.of(queries.perHour(since), now, config.dashboardHours()))
                .data("alerts", alerts.open(ALERTS))
                .data("users", queries.topUsers(since, TOP))
                .data("addresses", queries.topAddresses(since, TOP))
                .data("generated", now.truncatedTo(ChronoUnit.SECONDS).toString())
                .render();
        return html(Response.ok(html));
    }

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public Response loginForm() {
        return html(Response.ok(login.data("error", null).render()));
    }

    /** Checks the token like any request, then keeps it in the session cookie; only security staff get one. */
    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> login(@FormParam("token") String token) {
        if (token == null || token.isBlank()) {
            return Uni.createFrom().item(refused(AuditApiException.missingToken()));
        }
        return tokens.caller(token.trim())
                .map(caller -> {
                    if (!caller.isStaff()) {
                        return refused(AuditApiException.patientNotAllowed("the dashboard is for security staff only"));
                    }
                    return DashboardSession.seeOther("/audit/" + DashboardSession.DASHBOARD_PATH)
                            .cookie(DashboardSession.open(token.trim(), caller.token().expiresAt(), config.cookieSecure()))
                            .build();
                })
                .onFailure(AuditApiException.class).recoverWithItem(e -> refused((AuditApiException) e));
    }

    @POST
    @Path("logout")
    public Response logout() {
        return DashboardSession.seeOther("/audit/" + DashboardSession.LOGIN_PATH)
                .cookie(DashboardSession.close(config.cookieSecure()))
                .build();
    }

    @GET
    @Path("dashboard.css")
    @Produces("text/css")
    public Response stylesheet() throws IOException {
        try (InputStream css = getClass().getResourceAsStream("/dashboard/dashboard.css")) {
            return Response.ok(css.readAllBytes()).header("Cache-Control", "max-age=3600")
                    .header("X-Content-Type-Options", "nosniff").build();
        }
    }

    /** The login page again, with the refusal's code; no cookie is set. */
    private Response refused(AuditApiException refusal) {
        return html(Response.status(refusal.status()).entity(login.data("error", refusal.code()).render()));
    }

    private static Response html(Response.ResponseBuilder response) {
        return response.type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .build();
    }
}
