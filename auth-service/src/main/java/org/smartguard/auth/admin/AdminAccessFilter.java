package org.smartguard.auth.admin;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import org.smartguard.auth.audit.AuthAudit;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;

/**
 * Refuses, before the body is even read, every call to an {@link AdminOnly} resource that does not carry the admin
 * credential, and audits the refusal.
 */
@Provider
@AdminOnly
public class AdminAccessFilter implements ContainerRequestFilter {

    private final AdminCredential credential;
    private final AuthAudit audit;

    AdminAccessFilter(AdminCredential credential, AuthAudit audit) {
        this.credential = credential;
        this.audit = audit;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!credential.presentedIn(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            audit.record(AuditEventType.ACCESS_DENIED, AuditOutcome.MINOR_FAILURE, "invalid_token:admin-credential", null,
                    event -> event.query(request.getMethod() + " " + request.getUriInfo().getPath()));
            request.abortWith(AdminCredential.unauthorized());
        }
    }
}
