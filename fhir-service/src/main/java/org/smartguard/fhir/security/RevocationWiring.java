package org.smartguard.fhir.security;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Readiness;
import org.smartguard.commons.revocation.RevocationCheck;
import org.smartguard.commons.revocation.RevocationConfig;
import org.smartguard.commons.revocation.RevocationHealthCheck;
import org.smartguard.commons.revocation.RevocationMetrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;

/** The fhir-service's {@link RevocationCheck} on its Redis ({@link BatchedExists}), with its readiness check and metrics. */
@Singleton
public class RevocationWiring {

    @Produces
    @Singleton
    RevocationCheck revocationCheck(RevocationConfig config, ReactiveRedisDataSource redis, MeterRegistry meters) {
        // one pipelined batch of EXISTS per event-loop pass, not one call per request
        return RevocationMetrics.registered(new RevocationCheck(new BatchedExists(redis.getRedis().getDelegate()), config), meters);
    }

    @Produces
    @Readiness
    @Singleton
    @Unremovable // nothing injects it: SmallRye Health looks it up
    HealthCheck revocationHealth(RevocationCheck check) {
        return new RevocationHealthCheck(check);
    }
}
