package org.smartguard.auth.authorize;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jose4j.jwt.JwtClaims;
import org.smartguard.auth.audit.AuthAudit;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.oauth.OAuthExceptionMapper;
import org.smartguard.auth.token.AccessTokenVerifier;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.scope.SmartScopes;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code POST /auth/launch}: an EHR registers the context it is launching an app in and gets the opaque, short-lived,
 * single-use {@code launch} value to pass to the app. The caller is a backend-services client: its access token
 * must carry a {@code system/} scope.
 */
@Path("/launch")
@Blocking
public class LaunchResource {

    private static final String INSUFFICIENT_SCOPE = "insufficient_scope";

    private final AccessTokenVerifier tokens;
    private final LaunchContexts launches;
    private final AuthAudit audit;

    LaunchResource(AccessTokenVerifier tokens, LaunchContexts launches, AuthAudit audit) {
        this.tokens = tokens;
        this.launches = launches;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response register(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, LaunchRequest body) {
        Optional<JwtClaims> claims = bearer(authorization).flatMap(tokens::verify);
        if (claims.isEmpty()) {
            return refused(401, OAuthError.INVALID_TOKEN, "a valid access token is required", null);
        }
        String clientId = stringClaim(claims.get(), "client_id");
        String scope = stringClaim(claims.get(), "scope");
        if (scope == null || !SmartScopes.parseLenient(scope).understood().hasSystemScopes()) {
            return refused(403, INSUFFICIENT_SCOPE, "registering a launch needs a system/ scope", clientId);
        }
        LaunchContext context = check(body);
        String launch = launches.register(context);
        audit.record(AuditEventType.LAUNCH_REGISTERED, AuditOutcome.SUCCESS, "launch-registered", clientId,
                event -> event.patient(context.patient()));
        return OAuthExceptionMapper.noStore(Response.ok(Map.of("launch", launch))).build();
    }

    private static LaunchContext check(LaunchRequest body) {
        if (body == null || !FhirIds.isValid(body.patient())) {
            throw OAuthException.badRequest(OAuthError.INVALID_REQUEST, "patient must be a FHIR id");
        }
        if (body.encounter() != null && !FhirIds.isValid(body.encounter())) {
            throw OAuthException.badRequest(OAuthError.INVALID_REQUEST, "encounter must be a FHIR id");
        }
        List<Map<String, Object>> fhirContext = body.fhirContext() == null ? List.of() : body.fhirContext();
        for (Map<String, Object> entry : fhirContext) {
            if (entry == null || !(entry.containsKey("reference") || entry.containsKey("canonical") || entry.containsKey("identifier"))) {
                throw OAuthException.badRequest(OAuthError.INVALID_REQUEST,
                        "each fhirContext entry needs a reference, canonical or identifier");
            }
        }
        return new LaunchContext(body.patient(), body.encounter(), fhirContext);
    }

    private static Optional<String> bearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? Optional.of(authorization.substring(7).trim())
                : Optional.empty();
    }

    private static String stringClaim(JwtClaims claims, String name) {
        return claims.getClaimValue(name) instanceof String value ? value : null;
    }

    /** Audited; RFC 6750 §3: the challenge names the scheme and the error. */
    private Response refused(int status, String error, String description, String clientId) {
        audit.record(AuditEventType.ACCESS_DENIED, AuditOutcome.MINOR_FAILURE, error + ":launch-registration", clientId, event -> {
        });
        return OAuthExceptionMapper.noStore(Response.status(status).entity(OAuthExceptionMapper.body(error, description)))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"" + error + "\"")
                .build();
    }
}
