package org.smartguard.auth.authorize;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.auth.audit.AuthAudit;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.token.GrantContext;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.scope.SmartScopes;
import org.smartguard.commons.urls.PublicUrls;

/**
 * The user's answer on the consent page, turned into the redirect back to the app: a code for the scopes left
 * ticked, or {@code access_denied}. Both are audited.
 *
 * <p>The shared audit contract has no consent or code event type yet; these are recorded under the token
 * lifecycle (ITI-71 "Get Access Token", of which they are the first half) and ACCESS_DENIED, with stable codes
 * {@code consent-granted}, {@code code-issued} and {@code access_denied:<reason>}.
 */
@ApplicationScoped
public class ConsentDecisions {

    private final AuthorizationCodes codes;
    private final AuthAudit audit;
    private final PublicUrls urls;

    ConsentDecisions(AuthorizationCodes codes, AuthAudit audit, PublicUrls urls) {
        this.codes = codes;
        this.audit = audit;
        this.urls = urls;
    }

    /**
     * @param ticked the scope strings the user left ticked; only requested scopes count, so a forged form cannot
     *               add any. Nothing ticked is a refusal.
     */
    public URI approve(PendingAuthorization pending, Set<String> ticked) {
        SmartScopes requested = pending.requestedScopes();
        SmartScopes granted = SmartScopes.of(requested.asList().stream().filter(scope -> ticked.contains(scope.toString())).toList());
        if (granted.isEmpty()) {
            return deny(pending, "no permission was granted", "nothing-granted");
        }
        AuthorizationRequest request = pending.request();
        LaunchContext launch = request.launch();
        GrantContext grant = new GrantContext(UUID.randomUUID().toString(), request.clientId(), pending.username(),
                pending.fhirUser(), granted.toString(), pending.patient(), launch == null ? null : launch.encounter(),
                launch == null ? List.of() : launch.fhirContext(), !request.isEhrLaunch(), request.nonce(),
                pending.authTime());
        record(pending, AuditEventType.CONSENT_GRANTED, AuditOutcome.SUCCESS, "consent-granted");
        String code = codes.issue(new IssuedCode(request.clientId(), request.redirectUri(), request.codeChallenge(), grant));
        record(pending, AuditEventType.CODE_ISSUED, AuditOutcome.SUCCESS, "code-issued");
        return RedirectUris.to(request.redirectUri()).param("code", code).param("state", request.state()).build();
    }

    /**
     * The user declined, or left nothing ticked: a consent decision.
     *
     * @param reason the stable audit code suffix, e.g. {@code consent-denied}
     */
    public URI deny(PendingAuthorization pending, String description, String reason) {
        return accessDenied(pending, AuditEventType.CONSENT_DENIED, description, reason);
    }

    /** The request may not go on whatever the user decides (e.g. an EHR launch for another patient): a refusal. */
    public URI refuse(PendingAuthorization pending, String description, String reason) {
        return accessDenied(pending, AuditEventType.ACCESS_DENIED, description, reason);
    }

    private URI accessDenied(PendingAuthorization pending, AuditEventType type, String description, String reason) {
        record(pending, type, AuditOutcome.MINOR_FAILURE, OAuthError.ACCESS_DENIED + ":" + reason);
        return RedirectUris.to(pending.request().redirectUri())
                .param("error", OAuthError.ACCESS_DENIED)
                .param("error_description", description)
                .param("state", pending.request().state())
                .build();
    }

    private void record(PendingAuthorization pending, AuditEventType type, AuditOutcome outcome, String code) {
        audit.record(type, outcome, code, pending.request().clientId(),
                event -> event.user(urls.issuer(), pending.username(), pending.fhirUser()).patient(pending.patient()));
    }
}
