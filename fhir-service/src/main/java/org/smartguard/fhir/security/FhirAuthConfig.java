package org.smartguard.fhir.security;

import java.net.URI;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.fhir.auth.*}: how the fhir-service checks tokens itself (even behind the gateway). */
@ConfigMapping(prefix = "smartguard.fhir.auth")
public interface FhirAuthConfig {

    /** The auth-service's JWKS, reached directly (env SMARTGUARD_FHIR_AUTH_JWKS_URI). */
    URI jwksUri();

    /** Where /fhir/.well-known/smart-configuration comes from (env SMARTGUARD_FHIR_AUTH_SMART_CONFIGURATION_URI). */
    URI smartConfigurationUri();

    @WithDefault("30s")
    Duration jwksRefreshFloor();

    @WithDefault("30s")
    Duration clockSkew();

    /** Verified tokens kept so an app's repeated calls are not re-verified (revocation is still checked). */
    @WithDefault("10000")
    int verifiedCacheSize();

    /** Whether a practitioner's user/ scopes reach every patient (true) or none until care-team rules exist. */
    @WithDefault("true")
    boolean practitionersSeeAllPatients();
}
