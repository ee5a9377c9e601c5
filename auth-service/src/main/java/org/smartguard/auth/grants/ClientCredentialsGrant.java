package org.smartguard.auth.grants;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.auth.clients.ClientType;
import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.clients.RefusalAudit;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.token.Grant;
import org.smartguard.auth.token.GrantContext;
import org.smartguard.auth.token.TokenIssuer;
import org.smartguard.auth.token.TokenRequest;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.scope.ScopeParseException;
import org.smartguard.commons.scope.SmartScope;
import org.smartguard.commons.scope.SmartScopes;

/**
 * {@code client_credentials} for SMART Backend Services: a client authenticated by {@code private_key_jwt} asks
 * for {@code system/} scopes within those it was registered for and gets an access token for itself (sub =
 * client_id). Never a refresh token: the client signs a fresh assertion instead.
 */
@ApplicationScoped
public class ClientCredentialsGrant implements Grant {

    private final TokenIssuer issuer;
    private final RefusalAudit refusals;

    ClientCredentialsGrant(TokenIssuer issuer, RefusalAudit refusals) {
        this.issuer = issuer;
        this.refusals = refusals;
    }

    @Override
    public String grantType() {
        return "client_credentials";
    }

    @Override
    public Map<String, Object> handle(TokenRequest request) {
        OAuthClient client = request.requireClient();
        if (client.type != ClientType.CONFIDENTIAL_ASYMMETRIC) {
            throw refuse(OAuthException.badRequest(OAuthError.UNAUTHORIZED_CLIENT,
                    "client_credentials needs private_key_jwt client authentication"), "not-asymmetric", client);
        }
        SmartScopes requested = requestedScopes(request, client);
        if (!requested.onlySystemScopes()) {
            throw refuse(invalidScope("client_credentials grants only system/ scopes"), "not-system-scope", client);
        }
        List<SmartScope> notAllowed = requested.notCoveredBy(SmartScopes.parseLenient(client.allowedScopes).understood());
        if (!notAllowed.isEmpty()) {
            throw refuse(invalidScope("this client may not be granted " + SmartScopes.of(notAllowed)), "scope-not-allowed", client);
        }
        GrantContext grant = new GrantContext(UUID.randomUUID().toString(), client.clientId, client.clientId, null,
                requested.toString(), null, null, List.of(), false, null, null);
        return issuer.issue(grant, false, AuditEventType.TOKEN_ISSUED);
    }

    private SmartScopes requestedScopes(TokenRequest request, OAuthClient client) {
        String scope = request.optional("scope");
        if (scope == null || scope.isBlank()) {
            throw refuse(invalidScope("scope is required: the system/ scopes wanted"), "scope-missing", client);
        }
        try {
            return SmartScopes.parse(scope);
        } catch (ScopeParseException e) {
            throw refuse(invalidScope(e.getMessage()), "scope-unknown", client);
        }
    }

    private static OAuthException invalidScope(String description) {
        return OAuthException.badRequest(OAuthError.INVALID_SCOPE, description);
    }

    private OAuthException refuse(OAuthException refusal, String reason, OAuthClient client) {
        return refusals.refused(refusal, reason, client.clientId);
    }
}
