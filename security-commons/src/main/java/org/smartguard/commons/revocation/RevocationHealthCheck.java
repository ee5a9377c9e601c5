package org.smartguard.commons.revocation;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Says where revocation decisions come from. While Redis is unreachable the service stays ready (the local copy
 * of the revocation list decides, or requests get 503 when even that is too old) and reports it as a warning:
 * degraded, not down, as the gateway's rate-limit check does. Each verifier produces it as a {@code @Readiness} bean
 * beside its {@link RevocationCheck}.
 */
public final class RevocationHealthCheck implements HealthCheck {

    private final RevocationCheck check;

    public RevocationHealthCheck(RevocationCheck check) {
        this.check = check;
    }

    @Override
    public HealthCheckResponse call() {
        RevocationCheck.Source source = check.source();
        return HealthCheckResponse.named("token-revocation").up()
                .withData("source", source.name().toLowerCase().replace('_', '-'))
                .withData("fallback-decisions", check.fallbackDecisions())
                .withData("warning", switch (source) {
                    case REDIS -> "none";
                    case LOCAL_COPY -> "Redis unreachable: revocation is checked against the auth-service's list";
                    case UNAVAILABLE -> "Redis and the auth-service's list unreachable: token requests get 503";
                })
                .build();
    }
}
