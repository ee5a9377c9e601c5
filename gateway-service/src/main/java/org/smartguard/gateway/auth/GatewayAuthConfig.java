package org.smartguard.gateway.auth;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.gateway.auth.*}: where the gateway finds the authorization server's keys and what is public. */
@ConfigMapping(prefix = "smartguard.gateway.auth")
public interface GatewayAuthConfig {

    /** The auth-service's JWKS, reached directly, not through the gateway (env SMARTGUARD_GATEWAY_AUTH_JWKS_URI). */
    URI jwksUri();

    /** The least time between two JWKS fetches caused by unknown key ids. */
    @WithDefault("30s")
    Duration jwksRefreshFloor();

    /** Tolerated clock difference for exp and nbf. */
    @WithDefault("30s")
    Duration clockSkew();

    /**
     * Paths (exact) or prefixes (ending in {@code /}) that need no token here: the auth-service guards itself, and the
     * audit-service signs security staff's browsers into its dashboard pages itself (a browser sends no bearer header).
     */
    @WithDefault("/auth/,/fhir/metadata,/fhir/.well-known/smart-configuration,/q/,/audit/dashboard,/audit/dashboard/")
    List<String> publicPaths();

    /** Paths under which a token must grant reading AuditEvent (security staff, or a patient's own history). */
    @WithDefault("/audit")
    String auditPrefix();

    /** Verified tokens kept so a busy app's repeated calls are not re-verified (revocation is still checked). */
    @WithDefault("10000")
    int verifiedCacheSize();
}
