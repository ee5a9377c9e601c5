package org.smartguard.auth.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.auth.*}: lifetimes, key rotation and the admin credential of the authorization server. */
@ConfigMapping(prefix = "smartguard.auth")
public interface AuthConfig {

    /** Lifetime of access tokens (env SMARTGUARD_AUTH_ACCESS_TOKEN_LIFETIME). */
    @WithDefault("5m")
    Duration accessTokenLifetime();

    /** Lifetime of a refresh token granted with {@code offline_access}. */
    @WithDefault("30d")
    Duration offlineRefreshLifetime();

    /** Lifetime of a refresh token granted with {@code online_access} (the user's session). */
    @WithDefault("8h")
    Duration onlineRefreshLifetime();

    /** Lifetime of an authorization code; SMART and RFC 6749 ask for at most a minute. */
    @WithDefault("60s")
    Duration codeLifetime();

    /** Lifetime of an EHR launch context registered at {@code /auth/launch}. */
    @WithDefault("5m")
    Duration launchLifetime();

    /** How often the signing key is replaced (env SMARTGUARD_AUTH_KEY_ROTATION_PERIOD). */
    @WithDefault("24h")
    Duration keyRotationPeriod();

    /** The FHIR server reached directly, for the practitioner's patient picker (env SMARTGUARD_AUTH_FHIR_INTERNAL_URL). */
    java.net.URI fhirInternalUrl();

    /** Bearer credential of the admin API (env SMARTGUARD_AUTH_ADMIN_TOKEN); no default: admin API off without it. */
    java.util.Optional<String> adminToken();

    /** Revoked access tokens; {@code DenylistCopy}'s schedules read these. */
    Revocation revocation();

    interface Revocation {

        /** How often Redis is checked for a missing denylist copy (env SMARTGUARD_AUTH_REVOCATION_COPY_CHECK_INTERVAL). */
        @WithDefault("1s")
        Duration copyCheckInterval();

        /** How often rows of expired tokens are deleted (env SMARTGUARD_AUTH_REVOCATION_SWEEP_INTERVAL). */
        @WithDefault("1m")
        Duration sweepInterval();
    }
}
