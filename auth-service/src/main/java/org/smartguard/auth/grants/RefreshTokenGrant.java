package org.smartguard.auth.grants;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.smartguard.auth.audit.AuthAudit;
import org.smartguard.auth.clients.ClientType;
import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.auth.token.Grant;
import org.smartguard.auth.token.GrantContext;
import org.smartguard.auth.token.RefreshToken;
import org.smartguard.auth.token.RevokedTokens;
import org.smartguard.auth.token.TokenIssuer;
import org.smartguard.auth.token.TokenRequest;
import org.smartguard.commons.audit.AuditCodes;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.scope.NonClinicalScope;
import org.smartguard.commons.scope.ScopeParseException;
import org.smartguard.commons.scope.SmartScope;
import org.smartguard.commons.scope.SmartScopes;
import org.smartguard.commons.urls.PublicUrls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code grant_type=refresh_token} with rotation: each use marks the presented token used and issues a new one of
 * the same family. A used token presented again means it leaked (the legitimate client already holds its
 * successor), so the whole family, refresh and access tokens, is revoked and an alert-worthy event recorded.
 *
 * <p>The presented row is locked ({@code SELECT ... FOR UPDATE}) for the whole exchange, so two concurrent
 * refreshes of one token cannot both succeed: the second sees the first's rotation and is treated as a reuse.
 */
@ApplicationScoped
public class RefreshTokenGrant implements Grant {

    public static final String GRANT_TYPE = "refresh_token";
    /** The audit code of a rotated token presented again; alert rules match on it. */
    public static final String REUSE_CODE = AuditCodes.REFRESH_TOKEN_REUSE;

    private static final TypeReference<List<Map<String, Object>>> FHIR_CONTEXT = new TypeReference<>() {
    };

    private final TokenIssuer issuer;
    private final RevokedTokens revokedTokens;
    private final AuthAudit audit;
    private final PublicUrls urls;
    private final ObjectMapper json;

    RefreshTokenGrant(TokenIssuer issuer, RevokedTokens revokedTokens, AuthAudit audit, PublicUrls urls, ObjectMapper json) {
        this.issuer = issuer;
        this.revokedTokens = revokedTokens;
        this.audit = audit;
        this.urls = urls;
        this.json = json;
    }

    @Override
    public String grantType() {
        return GRANT_TYPE;
    }

    /** Refusals commit: the family revocation of a reuse and the audit events of refusals must not roll back. */
    @Override
    @Transactional(dontRollbackOn = OAuthException.class)
    public Map<String, Object> handle(TokenRequest request) {
        String presented = request.required("refresh_token");
        String requestedScope = request.optional("scope");
        String callerId = request.client().map(client -> client.clientId).orElse(null);
        RefreshToken row = RefreshToken.findById(SecureTokens.hash(presented), LockModeType.PESSIMISTIC_WRITE);
        if (row == null) {
            throw refused(callerId, null, "unknown-refresh-token", invalidGrant());
        }
        checkClient(request, row);
        Instant now = Instant.now();
        if (row.rotatedAt != null) {
            throw reused(row, now);
        }
        if (row.revokedAt != null) {
            throw refused(row.clientId, row, "refresh-token-revoked", invalidGrant());
        }
        if (!row.expiresAt.isAfter(now)) {
            throw refused(row.clientId, row, "refresh-token-expired", invalidGrant());
        }
        String scope = grantedScope(row, requestedScope);
        Map<String, Object> response = issuer.issue(context(row, scope), true, AuditEventType.TOKEN_REFRESHED);
        if (response.get("refresh_token") instanceof String successor) {
            row.rotatedAt = now;
            carryOver(row, successor);
        }
        // without a successor (a narrowed scope that drops offline_access) the presented token stays valid (RFC 6749 §6)
        return response;
    }

    /**
     * A refresh token is bound to its client (RFC 6749 §6): an authenticated caller must be that client; an
     * unauthenticated one is accepted only when the token's client is public (SMART apps may omit client_id).
     */
    private void checkClient(TokenRequest request, RefreshToken row) {
        if (request.client().isPresent()) {
            OAuthClient caller = request.client().get();
            if (!caller.clientId.equals(row.clientId)) {
                throw refused(caller.clientId, row, "refresh-token-of-another-client", invalidGrant());
            }
            return;
        }
        OAuthClient owner = OAuthClient.findByClientId(row.clientId)
                .orElseThrow(() -> refused(row.clientId, row, "refresh-token-client-gone", invalidGrant()));
        if (owner.type != ClientType.PUBLIC) {
            throw refused(row.clientId, row, "refresh-token-client-unauthenticated",
                    OAuthException.invalidClient("client authentication is required"));
        }
        if (!owner.allowsGrant(GRANT_TYPE)) {
            throw refused(row.clientId, row, "refresh-grant-not-allowed",
                    OAuthException.badRequest(OAuthError.UNAUTHORIZED_CLIENT, "this client may not use " + GRANT_TYPE));
        }
    }

    /** A rotated token came back: revoke its whole family and raise an alert-worthy event. */
    private OAuthException reused(RefreshToken row, Instant now) {
        RefreshToken.revokeFamily(row.familyId, now);
        revokedTokens.revokeFamily(row.familyId);
        audit.record(AuditEventType.ACCESS_DENIED, AuditOutcome.SERIOUS_FAILURE, REUSE_CODE, row.clientId,
                event -> describe(event, row));
        return invalidGrant();
    }

    /** The scope of this refresh: the original one, or the requested one when the original grant covers it (RFC 6749 §6). */
    private String grantedScope(RefreshToken row, String requested) {
        if (requested == null) {
            return row.scope;
        }
        SmartScopes asked;
        try {
            asked = SmartScopes.parse(requested);
        } catch (ScopeParseException e) {
            throw refused(row.clientId, row, "refresh-scope-invalid", OAuthException.badRequest(OAuthError.INVALID_SCOPE, e.getMessage()));
        }
        List<SmartScope> wider = asked.notCoveredBy(SmartScopes.parseLenient(row.scope).understood());
        if (!wider.isEmpty()) {
            String names = wider.stream().map(SmartScope::toString).collect(Collectors.joining(" "));
            throw refused(row.clientId, row, "refresh-scope-wider", OAuthException.badRequest(OAuthError.INVALID_SCOPE,
                    "not covered by the original grant: " + names));
        }
        return asked.toString();
    }

    /**
     * The successor keeps the grant's full scope, whatever this refresh narrowed the access token to (RFC 6749 §6:
     * a new refresh token has the scope of the one it replaces), and an online_access grant keeps its end: it lasts
     * as long as the user's session, not longer because the app keeps refreshing.
     */
    private static void carryOver(RefreshToken row, String successor) {
        RefreshToken next = RefreshToken.findByHash(SecureTokens.hash(successor)).orElseThrow();
        next.scope = row.scope;
        boolean offline = SmartScopes.parseLenient(row.scope).understood().contains(NonClinicalScope.OFFLINE_ACCESS);
        if (!offline && next.expiresAt.isAfter(row.expiresAt)) {
            next.expiresAt = row.expiresAt;
        }
    }

    private GrantContext context(RefreshToken row, String scope) {
        return new GrantContext(row.familyId, row.clientId, row.subject, row.fhirUser, scope, row.patient, row.encounter,
                fhirContext(row.fhirContext), row.needPatientBanner, null, row.authTime);
    }

    private List<Map<String, Object>> fhirContext(String stored) {
        if (stored == null) {
            return List.of();
        }
        try {
            return json.readValue(stored, FHIR_CONTEXT);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored fhirContext is unreadable", e);
        }
    }

    private OAuthException refused(String clientId, RefreshToken row, String code, OAuthException refusal) {
        audit.record(AuditEventType.ACCESS_DENIED, AuditOutcome.MINOR_FAILURE, refusal.error() + ":" + code, clientId,
                event -> {
                    if (row != null) {
                        describe(event, row);
                    }
                });
        return refusal;
    }

    /** The user only when there is one: a backend-services grant's subject is the client itself. */
    private void describe(AuditEventBuilder event, RefreshToken row) {
        if (row.fhirUser != null) {
            event.user(urls.issuer(), row.subject, row.fhirUser);
        }
        event.patient(row.patient);
    }

    /** One answer for unknown, used, revoked, expired and foreign tokens, so a caller learns nothing about which. */
    private static OAuthException invalidGrant() {
        return OAuthException.badRequest(OAuthError.INVALID_GRANT, "the refresh token is invalid, expired or revoked");
    }
}
