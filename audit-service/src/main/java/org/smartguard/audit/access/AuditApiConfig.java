package org.smartguard.audit.access;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.audit-api.*}: who may use the query API and dashboard, and how much one answer may hold. */
@ConfigMapping(prefix = "smartguard.audit-api")
public interface AuditApiConfig {

    /** The auth-service's JWKS, reached directly (env SMARTGUARD_AUDIT_API_JWKS_URI). */
    URI jwksUri();

    /** The least time between two JWKS fetches caused by unknown key ids. */
    @WithDefault("30s")
    Duration jwksRefreshFloor();

    /** Tolerated clock difference for exp and nbf. */
    @WithDefault("30s")
    Duration clockSkew();

    /**
     * The {@code fhirUser} of each security officer (e.g. {@code Practitioner/sec-1}) whose {@code user/AuditEvent.rs}
     * token opens the staff API; empty = only backend tokens with {@code system/AuditEvent.rs} do
     * (env SMARTGUARD_AUDIT_API_SECURITY_STAFF, comma-separated).
     */
    Optional<List<String>> securityStaff();

    /** Entries per page when {@code _count} is not given (env SMARTGUARD_AUDIT_API_DEFAULT_PAGE_SIZE). */
    @WithDefault("50")
    int defaultPageSize();

    /** The largest {@code _count} honoured; more is capped (env SMARTGUARD_AUDIT_API_MAX_PAGE_SIZE). */
    @WithDefault("500")
    int maxPageSize();

    /** Rows fetched from PostgreSQL at a time while an export streams (env SMARTGUARD_AUDIT_API_EXPORT_FETCH_SIZE). */
    @WithDefault("500")
    int exportFetchSize();

    /** Whether the dashboard's session cookie is {@code Secure} (env SMARTGUARD_AUDIT_API_COOKIE_SECURE). */
    @WithDefault("true")
    boolean cookieSecure();

    /** How many hours back the dashboard looks (env SMARTGUARD_AUDIT_API_DASHBOARD_HOURS). */
    @WithDefault("24")
    int dashboardHours();
}
