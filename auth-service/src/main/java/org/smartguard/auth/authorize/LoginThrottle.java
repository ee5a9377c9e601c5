package org.smartguard.auth.authorize;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.auth.oauth.SecureTokens;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.ExpireArgs;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * Counts failed logins per username and per client address in Redis, in a fixed window that starts at the first
 * failure. Usernames that do not exist are counted like real ones, so the throttle reveals nothing about who exists.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final String USER_PREFIX = "smartguard:login-failures:user:";
    private static final String ADDRESS_PREFIX = "smartguard:login-failures:address:";

    private final ValueCommands<String, Long> counters;
    private final KeyCommands<String> keys;
    private final AuthorizeConfig config;

    LoginThrottle(RedisDataSource redis, AuthorizeConfig config) {
        this.counters = redis.value(Long.class);
        this.keys = redis.key();
        this.config = config;
    }

    /** Whether this username or this address has used up its failed attempts. */
    public boolean isThrottled(String username, String address) {
        return count(userKey(username)) >= config.maxFailuresPerUser()
                || (address != null && count(addressKey(address)) >= config.maxFailuresPerAddress());
    }

    public void recordFailure(String username, String address) {
        increment(userKey(username));
        if (address != null) {
            increment(addressKey(address));
        }
    }

    /** A successful login clears the user's count (not the address's: one success does not vouch for the rest). */
    public void recordSuccess(String username) {
        keys.del(userKey(username));
    }

    private long count(String key) {
        Long count = counters.get(key);
        return count == null ? 0 : count;
    }

    /** The window starts at the first failure; EXPIRE NX on every failure also heals a key left without a TTL. */
    private void increment(String key) {
        counters.incr(key);
        keys.expire(key, config.failureWindow(), new ExpireArgs().nx());
    }

    /** Hashed: usernames are user input and need not be safe as key text. */
    private static String userKey(String username) {
        return USER_PREFIX + SecureTokens.hash(username);
    }

    private static String addressKey(String address) {
        return ADDRESS_PREFIX + address;
    }
}
