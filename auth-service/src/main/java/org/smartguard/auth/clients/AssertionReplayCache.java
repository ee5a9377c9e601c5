package org.smartguard.auth.clients;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * The {@code jti} of every accepted client assertion, kept in Redis until the assertion expires (RFC 7523 §3, SMART
 * Backend Services): one atomic {@code SET NX}, so two replicas racing on one assertion cannot both accept it.
 */
@ApplicationScoped
public class AssertionReplayCache {

    static final String PREFIX = "smartguard:assertion-jti:";

    private final ValueCommands<String, String> values;

    AssertionReplayCache(RedisDataSource redis) {
        this.values = redis.value(String.class);
    }

    /** True the first time this client presents {@code jti}; false on every later use before {@code keepUntil}. */
    public boolean firstUse(String clientId, String jti, Instant keepUntil) {
        return values.setAndChanged(PREFIX + clientId + ":" + jti, "used", new SetArgs().nx().exAt(keepUntil));
    }
}
