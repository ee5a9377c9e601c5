package org.smartguard.auth.authorize;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.auth.config.AuthConfig;
import org.smartguard.auth.oauth.SecureTokens;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * Authorization codes in Redis, stored by hash for {@code smartguard.auth.code-lifetime} and taken with GETDEL, so
 * a code is redeemed at most once even by concurrent requests. A redeemed code leaves a tombstone naming its grant
 * family for a while, so a replay can be recognised and everything issued from the code revoked (RFC 6749 §4.1.2).
 */
@ApplicationScoped
public class AuthorizationCodes {

    static final String CODE_PREFIX = "smartguard:code:";
    private static final String USED_PREFIX = "smartguard:code-used:";
    /** Far longer than a code lives, so any replay of it is still recognised. */
    private static final Duration TOMBSTONE_LIFETIME = Duration.ofMinutes(10);

    private final RedisJson store;
    private final ValueCommands<String, String> values;
    private final AuthConfig config;

    AuthorizationCodes(RedisJson store, RedisDataSource redis, AuthConfig config) {
        this.store = store;
        this.values = redis.value(String.class);
        this.config = config;
    }

    /** A new code (URL-safe, 256 random bits) for this authorization. */
    public String issue(IssuedCode issued) {
        String code = SecureTokens.random();
        store.put(key(code), issued, config.codeLifetime());
        return code;
    }

    /** What the code stands for, if it exists and was not used before; it is used up by this call. */
    public Optional<IssuedCode> redeem(String code) {
        String hash = SecureTokens.hash(code);
        Optional<IssuedCode> issued = store.take(CODE_PREFIX + hash, IssuedCode.class);
        issued.ifPresent(found -> values.setex(USED_PREFIX + hash, TOMBSTONE_LIFETIME.toSeconds(), found.grant().familyId()));
        return issued;
    }

    /** The grant family of a code that was already redeemed, when {@code code} is such a code. */
    public Optional<String> familyOfUsedCode(String code) {
        return Optional.ofNullable(values.get(USED_PREFIX + SecureTokens.hash(code)));
    }

    static String key(String code) {
        return CODE_PREFIX + SecureTokens.hash(code);
    }
}
