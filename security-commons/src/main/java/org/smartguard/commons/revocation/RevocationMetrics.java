package org.smartguard.commons.revocation;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The metrics every verifier exposes for its {@link RevocationCheck}, under the same names in every service. */
public final class RevocationMetrics {

    private RevocationMetrics() {
    }

    /** Registers the check's metrics and returns it. */
    public static RevocationCheck registered(RevocationCheck check, MeterRegistry meters) {
        Gauge.builder("smartguard.revocation.redis.available", check, c -> c.source() == RevocationCheck.Source.REDIS ? 1 : 0)
                .description("1 while revocation is checked in Redis; 0 while the auth-service's list (or nothing: 503) decides")
                .register(meters);
        FunctionCounter.builder("smartguard.revocation.fallback.decisions", check, RevocationCheck::fallbackDecisions)
                .description("revocation checks decided without Redis")
                .register(meters);
        return check;
    }
}
