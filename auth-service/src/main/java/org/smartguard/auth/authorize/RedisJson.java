package org.smartguard.auth.authorize;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * Short-lived records of the authorization flow (pending authorizations, codes, launch contexts) kept in Redis as
 * JSON under a key derived from the hash of their bearer value, so a Redis dump yields nothing usable.
 */
@ApplicationScoped
class RedisJson {

    private final ValueCommands<String, String> values;
    private final KeyCommands<String> keys;
    private final ObjectMapper json;

    RedisJson(RedisDataSource redis, ObjectMapper json) {
        this.values = redis.value(String.class);
        this.keys = redis.key();
        this.json = json;
    }

    void put(String key, Object value, Duration ttl) {
        values.set(key, write(value), new SetArgs().px(ttl.toMillis()));
    }

    <T> Optional<T> get(String key, Class<T> type) {
        return Optional.ofNullable(values.get(key)).map(stored -> read(stored, type));
    }

    /** Reads and deletes in one step (GETDEL), so a single-use value can be taken only once. */
    <T> Optional<T> take(String key, Class<T> type) {
        return Optional.ofNullable(values.getdel(key)).map(stored -> read(stored, type));
    }

    void delete(String key) {
        keys.del(key);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String stored, Class<T> type) {
        try {
            return json.readValue(stored, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " in Redis", e);
        }
    }
}
