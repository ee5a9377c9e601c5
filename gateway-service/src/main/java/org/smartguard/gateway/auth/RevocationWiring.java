package org.smartguard.gateway.auth;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Readiness;
import org.smartguard.commons.revocation.RevocationCheck;
import org.smartguard.commons.revocation.RevocationConfig;
import org.smartguard.commons.revocation.RevocationHealthCheck;
import org.smartguard.commons.revocation.RevocationMetrics;
import org.smartguard.gateway.redis.LocalRedis;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/** The gateway's {@link RevocationCheck} on its per-event-loop Redis connections, with its readiness check and metrics. */
@Singleton
public class RevocationWiring {

    @Produces
    @Singleton
    RevocationCheck revocationCheck(RevocationConfig config, LocalRedis redis, MeterRegistry meters) {
        // the event loop's own Redis connection, like the rate-limit script: no hop to another loop per request
        // (its own timeout, redis-timeout, applies on top of this call's)
        return RevocationMetrics.registered(new RevocationCheck(key -> redis.send(Request.cmd(Command.EXISTS).arg(key), config.redisTimeout().toMillis())
                .map(found -> found.toInteger() > 0).toCompletionStage(), config), meters);
    }

    @Produces
    @Readiness
    @Singleton
    @Unremovable // nothing injects it: SmallRye Health looks it up
    HealthCheck revocationHealth(RevocationCheck check) {
        return new RevocationHealthCheck(check);
    }
}
