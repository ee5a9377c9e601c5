package org.smartguard.auth.authorize;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.patients.PatientDirectory;
import org.smartguard.auth.users.AppUser;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code /auth/authorize}: the authorization request (GET, or a form POST that behaves the same), then the login,
 * patient-picker and consent forms. The pending authorization lives in Redis; the browser holds its id in a cookie
 * and each form echoes the step's CSRF token.
 */
@Path("/authorize")
@Blocking
public class AuthorizeResource {

    private static final String EXPIRED = "This sign-in request has expired or was already completed.";

    private final AuthorizationRequestValidator validator;
    private final PendingAuthorizations pending;
    private final UserLogin login;
    private final ConsentDecisions decisions;
    private final HtmlResponses responses;
    private final PatientDirectory patients;

    AuthorizeResource(AuthorizationRequestValidator validator, PendingAuthorizations pending, UserLogin login,
            ConsentDecisions decisions, HtmlResponses responses, PatientDirectory patients) {
        this.patients = patients;
        this.validator = validator;
        this.pending = pending;
        this.login = login;
        this.decisions = decisions;
        this.responses = responses;
    }

    @GET
    public Response authorize(@Context UriInfo uri) {
        return start(uri.getQueryParameters());
    }

    /** SMART {@code authorize-post}: the same parameters as a form. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response authorizePost(MultivaluedMap<String, String> form) {
        return start(form);
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@CookieParam(HtmlResponses.COOKIE) String id, @FormParam("csrf") String csrf,
            @FormParam("username") String username, @FormParam("password") String password) {
        PendingAuthorization current = step(id, csrf, PendingAuthorization.Stage.LOGIN);
        AuthorizationRequest request = current.request();
        UserLogin.Result result = login.login(username, password, request.clientId());
        if (result.outcome() == UserLogin.Outcome.THROTTLED) {
            return responses.page(429, AuthorizePages.login(request.clientName(), current.csrf(),
                    "Too many failed sign-in attempts. Please wait a while and try again."));
        }
        if (result.outcome() == UserLogin.Outcome.FAILED) {
            return responses.page(200, AuthorizePages.login(request.clientName(), current.csrf(),
                    "The username or password is not correct."));
        }
        AppUser user = result.user().orElseThrow();
        if (request.isEhrLaunch() && user.isPatient() && !user.patientId().equals(request.launch().patient())) {
            pending.take(id);
            // audited with the user, not the record: a patient's access report must not name another patient
            return responses.redirect(decisions.refuse(current.loggedIn(user, result.at(), null),
                    "the launch is for another patient's record", "launch-patient-mismatch"));
        }
        PendingAuthorization next = current.loggedIn(user, result.at(), launchPatient(current, user).orElse(null));
        return show(pending.save(id, next), next);
    }

    /**
     * The practitioner's patient picker of a standalone launch: a name search against the FHIR server (the form's
     * {@code query}), then a choice among the results ({@code patient}), which must exist on the FHIR server.
     */
    @POST
    @Path("/patient")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response pickPatient(@CookieParam(HtmlResponses.COOKIE) String id, @FormParam("csrf") String csrf,
            @FormParam("query") String query, @FormParam("patient") String patient) {
        PendingAuthorization current = step(id, csrf, PendingAuthorization.Stage.PICK_PATIENT);
        String client = current.request().clientName();
        if (patient == null || patient.isBlank()) {
            String name = query == null ? "" : query.trim();
            if (name.isEmpty() || name.length() > 100) {
                return responses.page(200, AuthorizePages.patient(client, current.csrf(), "Type part of the patient's name.", name, List.of()));
            }
            List<PatientDirectory.PatientSummary> found = patients.search(name);
            return responses.page(200, AuthorizePages.patient(client, current.csrf(),
                    found.isEmpty() ? "No patient has a name that starts with that." : null, name, found));
        }
        String chosen = patient.trim();
        if (!FhirIds.isValid(chosen) || !patients.exists(chosen)) {
            return responses.page(200, AuthorizePages.patient(client, current.csrf(), "That patient could not be found.", "", List.of()));
        }
        PendingAuthorization next = current.withPatient(chosen);
        return show(pending.save(id, next), next);
    }

    @POST
    @Path("/consent")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response consent(@CookieParam(HtmlResponses.COOKIE) String id, @FormParam("csrf") String csrf,
            @FormParam("decision") String decision, @FormParam("scope") List<String> ticked) {
        step(id, csrf, PendingAuthorization.Stage.CONSENT);
        // Taken, not just read: a double submit must not yield two codes.
        PendingAuthorization decided = pending.take(id).orElseThrow(() -> AuthorizeRefusal.page(OAuthError.INVALID_REQUEST, EXPIRED));
        if (!"approve".equals(decision)) {
            return responses.redirect(decisions.deny(decided, "the user denied the request", "consent-denied"));
        }
        return responses.redirect(decisions.approve(decided, ticked == null ? Set.of() : new HashSet<>(ticked)));
    }

    @ServerExceptionMapper
    public Response refused(AuthorizeRefusal refusal) {
        if (!refusal.redirects()) {
            return responses.page(400, AuthorizePages.error(refusal.description()));
        }
        return responses.redirect(RedirectUris.to(refusal.redirectUri())
                .param("error", refusal.error())
                .param("error_description", refusal.description())
                .param("state", refusal.state())
                .build());
    }

    private Response start(MultivaluedMap<String, String> params) {
        PendingAuthorization started = PendingAuthorization.start(validator.validate(params));
        return responses.page(200, AuthorizePages.login(started.request().clientName(), started.csrf(), null),
                pending.save(null, started));
    }

    /** The page of the step the flow has reached after login. */
    private Response show(String id, PendingAuthorization next) {
        String client = next.request().clientName();
        if (next.stage() == PendingAuthorization.Stage.PICK_PATIENT) {
            return responses.page(200, AuthorizePages.patient(client, next.csrf(), null, "", List.of()), id);
        }
        List<AuthorizePages.ScopeLine> lines = next.requestedScopes().asList().stream()
                .map(scope -> new AuthorizePages.ScopeLine(scope.toString(), scope.describe()))
                .toList();
        return responses.page(200, AuthorizePages.consent(client, next.csrf(), next.patient(), lines), id);
    }

    /**
     * The patient the launch is bound to before any picking: the EHR's, else the logged-in patient's own record
     * when a patient is needed. A practitioner in a standalone launch picks one next.
     */
    private static Optional<String> launchPatient(PendingAuthorization current, AppUser user) {
        if (current.request().isEhrLaunch()) {
            return Optional.of(current.request().launch().patient());
        }
        return current.needsPatient() && user.isPatient() ? Optional.of(user.patientId()) : Optional.empty();
    }

    /** The pending authorization of this browser, if the form is the one this step showed. */
    private PendingAuthorization step(String id, String csrf, PendingAuthorization.Stage stage) {
        PendingAuthorization current = pending.find(id)
                .orElseThrow(() -> AuthorizeRefusal.page(OAuthError.INVALID_REQUEST, EXPIRED));
        if (current.stage() != stage || !CsrfTokens.matches(csrf, current.csrf())) {
            throw AuthorizeRefusal.page(OAuthError.INVALID_REQUEST, EXPIRED);
        }
        return current;
    }
}
