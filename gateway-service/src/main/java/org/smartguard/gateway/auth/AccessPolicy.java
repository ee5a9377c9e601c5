package org.smartguard.gateway.auth;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.commons.scope.Permission;
import org.smartguard.commons.scope.SmartScopes;

/**
 * Which paths need a token, and what the audit API needs beyond one: a scope that permits reading AuditEvent
 * ({@code user/AuditEvent.rs} or {@code system/AuditEvent.rs} for security staff, {@code patient/AuditEvent.rs}
 * for a patient's own access history, which the audit-service narrows to their compartment).
 */
@ApplicationScoped
public class AccessPolicy {

    private final List<String> publicPaths;
    private final String auditPrefix;

    AccessPolicy(GatewayAuthConfig config) {
        this.publicPaths = config.publicPaths();
        this.auditPrefix = config.auditPrefix();
    }

    public boolean isPublic(String path) {
        for (String open : publicPaths) {
            if (open.endsWith("/") ? path.startsWith(open) || path.equals(open.substring(0, open.length() - 1)) : path.equals(open)) {
                return true;
            }
        }
        return false;
    }

    /** Why the token may not use this path, or null when it may. */
    public BearerRefusal scopeRefusal(String path, ValidatedToken token) {
        if ((path.equals(auditPrefix) || path.startsWith(auditPrefix + "/"))
                && SmartScopes.parseLenient(token.scope()).understood().permits("AuditEvent", Permission.READ).isEmpty()) {
            return BearerRefusal.insufficientScope("the audit API needs a scope that permits reading AuditEvent");
        }
        return null;
    }
}
