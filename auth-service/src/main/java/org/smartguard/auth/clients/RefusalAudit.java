package org.smartguard.auth.clients;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.smartguard.auth.audit.AuthAudit;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;

/**
 * Audits a refused client authentication or grant. The event is written in its own transaction: the refusal is
 * thrown right after, and it rolls back the caller's transaction, which would otherwise take the outbox row with it.
 */
@ApplicationScoped
public class RefusalAudit {

    private final AuthAudit audit;

    RefusalAudit(AuthAudit audit) {
        this.audit = audit;
    }

    /**
     * Records {@code ACCESS_DENIED} with the code {@code <error>:<reason>} and returns the exception to throw.
     *
     * @param clientId the client the request named (not necessarily authenticated), or null
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public OAuthException refused(OAuthException refusal, String reason, String clientId) {
        audit.record(AuditEventType.ACCESS_DENIED, AuditOutcome.MINOR_FAILURE, refusal.error() + ":" + reason, clientId, event -> {
        });
        return refusal;
    }
}
