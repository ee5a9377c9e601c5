package org.smartguard.auth.grants;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.auth.audit.AuthAudit;
import org.smartguard.auth.authorize.AuthorizationCodes;
import org.smartguard.auth.authorize.IssuedCode;
import org.smartguard.auth.authorize.Pkce;
import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.token.Grant;
import org.smartguard.auth.token.RefreshToken;
import org.smartguard.auth.token.RevokedTokens;
import org.smartguard.auth.token.TokenIssuer;
import org.smartguard.auth.token.TokenRequest;
import org.smartguard.commons.audit.AuditCodes;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * {@code grant_type=authorization_code} with PKCE. The code is used up before anything else is checked, so a wrong
 * verifier or client cannot be retried against it. Every refusal is the same {@code invalid_grant}, so the answer
 * tells a guesser nothing; a replayed code also revokes every token already issued from it (RFC 6749 §4.1.2).
 */
@ApplicationScoped
public class AuthorizationCodeGrant implements Grant {

    private final AuthorizationCodes codes;
    private final TokenIssuer issuer;
    private final RevokedTokens revoked;
    private final AuthAudit audit;

    AuthorizationCodeGrant(AuthorizationCodes codes, TokenIssuer issuer, RevokedTokens revoked, AuthAudit audit) {
        this.codes = codes;
        this.issuer = issuer;
        this.revoked = revoked;
        this.audit = audit;
    }

    @Override
    public String grantType() {
        return "authorization_code";
    }

    @Override
    public Map<String, Object> handle(TokenRequest request) {
        String code = request.required("code");
        String redirectUri = request.required("redirect_uri");
        String verifier = request.optional("code_verifier");
        OAuthClient client = request.requireClient();

        Optional<IssuedCode> redeemed = codes.redeem(code);
        if (redeemed.isEmpty()) {
            codes.familyOfUsedCode(code).ifPresent(family -> revokeReplayed(family, client.clientId));
            throw refused(client.clientId, "unknown-code", "the code is invalid, expired or already used");
        }
        IssuedCode issued = redeemed.get();
        if (!issued.clientId().equals(client.clientId)) {
            throw refused(client.clientId, "other-client", "the code was issued to another client");
        }
        if (!issued.redirectUri().equals(redirectUri)) {
            throw refused(client.clientId, "redirect-uri-mismatch", "redirect_uri differs from the authorization request's");
        }
        if (!Pkce.verify(verifier, issued.codeChallenge())) {
            throw refused(client.clientId, "pkce-failed", "code_verifier does not match the code_challenge");
        }
        return issuer.issue(issued.grant(), true, AuditEventType.TOKEN_ISSUED);
    }

    /** The code leaked or the client is broken: nothing issued from it may stay usable. */
    private void revokeReplayed(String familyId, String clientId) {
        revoked.revokeFamily(familyId);
        QuarkusTransaction.requiringNew().run(() -> RefreshToken.revokeFamily(familyId, Instant.now()));
        audit.record(AuditEventType.TOKEN_REVOKED, AuditOutcome.SERIOUS_FAILURE, AuditCodes.CODE_REPLAYED,
                clientId, event -> {
                });
    }

    private OAuthException refused(String clientId, String reason, String description) {
        audit.record(AuditEventType.ACCESS_DENIED, AuditOutcome.MINOR_FAILURE, OAuthError.INVALID_GRANT + ":" + reason,
                clientId, event -> {
                });
        return OAuthException.badRequest(OAuthError.INVALID_GRANT, description);
    }
}
