package org.smartguard.auth.revoke;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.smartguard.auth.audit.AuthAudit;
import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.auth.token.AccessTokenVerifier;
import org.smartguard.auth.token.RefreshToken;
import org.smartguard.auth.token.RevokedTokens;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.urls.PublicUrls;

/**
 * Revokes one token of the calling client. An access token's {@code jti} goes onto the Redis denylist until the
 * token would expire. A refresh token takes its whole grant with it (RFC 7009 §2.1: revoking a refresh token
 * SHOULD also invalidate the access tokens of the same authorization): every refresh token of its family, and
 * every access token issued in it.
 */
@ApplicationScoped
public class TokenRevocation {

    private final AccessTokenVerifier accessTokens;
    private final RevokedTokens revokedTokens;
    private final AuthAudit audit;
    private final PublicUrls urls;

    TokenRevocation(AccessTokenVerifier accessTokens, RevokedTokens revokedTokens, AuthAudit audit, PublicUrls urls) {
        this.accessTokens = accessTokens;
        this.revokedTokens = revokedTokens;
        this.audit = audit;
        this.urls = urls;
    }

    /** @throws OAuthException 400 invalid_grant when the token was issued to another client (RFC 7009 §2.1) */
    @Transactional(dontRollbackOn = OAuthException.class)
    public void revoke(String token, OAuthClient caller) {
        var access = accessTokens.verify(token);
        if (access.isPresent()) {
            revokeAccessToken(access.get(), caller);
            return;
        }
        RefreshToken.findByHash(SecureTokens.hash(token)).ifPresent(row -> revokeGrant(row, caller));
    }

    private void revokeAccessToken(JwtClaims claims, OAuthClient caller) {
        try {
            String owner = claims.getClaimValueAsString("client_id");
            String fhirUser = claims.getClaimValueAsString("fhirUser");
            String patient = claims.getClaimValueAsString("patient");
            String subject = claims.getSubject();
            String jti = claims.getJwtId();
            requireOwner(owner, caller, subject, fhirUser, patient);
            revokedTokens.revoke(jti, Instant.ofEpochSecond(claims.getExpirationTime().getValue()));
            audit.record(AuditEventType.TOKEN_REVOKED, AuditOutcome.SUCCESS, "access-token-revoked", owner,
                    event -> user(event, subject, fhirUser).tokenId(jti).patient(patient));
        } catch (MalformedClaimException e) {
            throw new IllegalStateException("a verified token of ours has malformed claims", e);
        }
    }

    private void revokeGrant(RefreshToken row, OAuthClient caller) {
        requireOwner(row.clientId, caller, row.subject, row.fhirUser, row.patient);
        RefreshToken.revokeFamily(row.familyId, Instant.now());
        revokedTokens.revokeFamily(row.familyId);
        audit.record(AuditEventType.TOKEN_REVOKED, AuditOutcome.SUCCESS, "refresh-token-revoked", row.clientId,
                event -> user(event, row.subject, row.fhirUser).patient(row.patient));
    }

    /** RFC 7009 §2.1: a client may revoke only its own tokens; RFC 6749 §5.2 names this invalid_grant. */
    private void requireOwner(String owner, OAuthClient caller, String subject, String fhirUser, String patient) {
        if (!caller.clientId.equals(owner)) {
            audit.record(AuditEventType.ACCESS_DENIED, AuditOutcome.MINOR_FAILURE, "invalid_grant:revoke-token-of-another-client",
                    caller.clientId, event -> user(event, subject, fhirUser).patient(patient));
            throw OAuthException.badRequest(OAuthError.INVALID_GRANT, "the token was not issued to this client");
        }
    }

    /** A user only when there is one: a backend-services token's subject is the client itself. */
    private AuditEventBuilder user(AuditEventBuilder event, String subject, String fhirUser) {
        return fhirUser == null ? event : event.user(urls.issuer(), subject, fhirUser);
    }
}
