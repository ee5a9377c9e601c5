package org.smartguard.auth.authorize;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedMap;

import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.commons.scope.NonClinicalScope;
import org.smartguard.commons.scope.ScopeParseException;
import org.smartguard.commons.scope.SmartScope;
import org.smartguard.commons.scope.SmartScopes;
import org.smartguard.commons.urls.PublicUrls;

/**
 * Checks an authorization request in a fixed order. Client and redirect URI come first, and their failures are shown
 * on a page; every later failure is redirected to that registered URI with the app's {@code state}.
 */
@ApplicationScoped
public class AuthorizationRequestValidator {

    static final String AUTHORIZATION_CODE = "authorization_code";

    private final PublicUrls urls;
    private final LaunchContexts launches;

    AuthorizationRequestValidator(PublicUrls urls, LaunchContexts launches) {
        this.urls = urls;
        this.launches = launches;
    }

    public AuthorizationRequest validate(MultivaluedMap<String, String> params) {
        Params page = new Params(params, null, null);
        OAuthClient client = OAuthClient.findByClientId(page.get("client_id"))
                .orElseThrow(() -> AuthorizeRefusal.page(OAuthError.INVALID_REQUEST, "The application is not registered here."));
        String redirectUri = page.get("redirect_uri");
        if (!client.hasRedirectUri(redirectUri)) {
            throw AuthorizeRefusal.page(OAuthError.INVALID_REQUEST,
                    "The redirect address is not one registered for this application.");
        }
        // The app's state may itself be malformed (repeated); refusing without it is all that is left then.
        String state = Params.single(params, "state", redirectUri, null);
        Params redirect = new Params(params, redirectUri, state);

        String responseType = redirect.get("response_type");
        if (responseType == null) {
            throw redirect.refusal(OAuthError.INVALID_REQUEST, "response_type is required");
        }
        if (!"code".equals(responseType)) {
            throw redirect.refusal(OAuthError.UNSUPPORTED_RESPONSE_TYPE, "only response_type=code is supported");
        }
        if (!client.allowsGrant(AUTHORIZATION_CODE)) {
            throw redirect.refusal(OAuthError.UNAUTHORIZED_CLIENT, "this client may not use the authorization code grant");
        }
        if (state == null || state.isEmpty()) {
            throw redirect.refusal(OAuthError.INVALID_REQUEST, "state is required");
        }
        checkAudience(redirect);
        String challenge = checkPkce(redirect);
        SmartScopes scopes = checkScopes(redirect, client);
        LaunchContext launch = checkLaunch(redirect, scopes);
        return new AuthorizationRequest(client.clientId, client.name, redirectUri, state, scopes.toString(), challenge,
                redirect.get("nonce"), launch);
    }

    /** The token's audience must be our FHIR server, or a stolen token could be replayed against a fake one. */
    private void checkAudience(Params params) {
        String aud = params.get("aud");
        if (aud == null) {
            throw params.refusal(OAuthError.INVALID_REQUEST, "aud is required (the FHIR base URL)");
        }
        String normalised = aud.endsWith("/") ? aud.substring(0, aud.length() - 1) : aud;
        if (!normalised.equals(urls.fhirBase())) {
            throw params.refusal(OAuthError.INVALID_REQUEST, "aud must be " + urls.fhirBase());
        }
    }

    private String checkPkce(Params params) {
        String challenge = params.get("code_challenge");
        if (challenge == null) {
            throw params.refusal(OAuthError.INVALID_REQUEST, "PKCE is required: send code_challenge with code_challenge_method=S256");
        }
        if (!Pkce.S256.equals(params.get("code_challenge_method"))) {
            throw params.refusal(OAuthError.INVALID_REQUEST, "code_challenge_method must be S256");
        }
        if (!Pkce.isS256Challenge(challenge)) {
            throw params.refusal(OAuthError.INVALID_REQUEST, "code_challenge is not an S256 challenge");
        }
        return challenge;
    }

    /**
     * Strictly parsed, no {@code system/} scope (those are for backend services, which have no user), and each one
     * covered by the client's allowed scopes as {@link SmartScopes#notCoveredBy} defines it: an allowed
     * {@code patient/*.*} covers {@code patient/Observation.rs}; {@code user/} never covers {@code patient/}; an
     * identity or launch scope must be allowed by name.
     */
    private static SmartScopes checkScopes(Params params, OAuthClient client) {
        SmartScopes requested;
        try {
            requested = SmartScopes.parse(params.get("scope") == null ? "" : params.get("scope"));
        } catch (ScopeParseException e) {
            throw params.refusal(OAuthError.INVALID_SCOPE, e.getMessage());
        }
        if (requested.hasSystemScopes()) {
            throw params.refusal(OAuthError.INVALID_SCOPE, "system/ scopes are for backend services, not for a user's authorization");
        }
        SmartScopes allowed = SmartScopes.parseLenient(client.allowedScopes).understood();
        List<SmartScope> refused = requested.notCoveredBy(allowed);
        if (!refused.isEmpty()) {
            throw params.refusal(OAuthError.INVALID_SCOPE, "this client may not ask for "
                    + refused.stream().map(SmartScope::toString).collect(Collectors.joining(" ")));
        }
        return requested;
    }

    /** EHR launch: the {@code launch} scope and a {@code launch} value go together; the value is used up here. */
    private LaunchContext checkLaunch(Params params, SmartScopes scopes) {
        String launch = params.get("launch");
        boolean launchScope = scopes.contains(NonClinicalScope.LAUNCH);
        if (launch == null && !launchScope) {
            return null;
        }
        if (launch == null || !launchScope) {
            throw params.refusal(OAuthError.INVALID_REQUEST, "an EHR launch needs both the launch scope and the launch parameter");
        }
        return launches.take(launch).orElseThrow(() -> params.refusal(OAuthError.INVALID_REQUEST,
                "the launch value is unknown, expired or already used"));
    }

    /** Request parameters, each at most once (RFC 6749 §3.1); how a repeat is refused depends on how far checks got. */
    private record Params(MultivaluedMap<String, String> values, String redirectUri, String state) {

        String get(String name) {
            return single(values, name, redirectUri, state);
        }

        AuthorizeRefusal refusal(String error, String description) {
            return AuthorizeRefusal.redirect(error, description, redirectUri, state);
        }

        static String single(MultivaluedMap<String, String> values, String name, String redirectUri, String state) {
            List<String> given = values.get(name);
            if (given == null || given.isEmpty()) {
                return null;
            }
            if (given.size() > 1) {
                String description = "parameter " + name + " is repeated";
                throw redirectUri == null
                        ? AuthorizeRefusal.page(OAuthError.INVALID_REQUEST, description)
                        : AuthorizeRefusal.redirect(OAuthError.INVALID_REQUEST, description, redirectUri, state);
            }
            return given.get(0);
        }
    }
}
