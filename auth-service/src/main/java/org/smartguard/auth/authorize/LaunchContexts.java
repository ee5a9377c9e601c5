package org.smartguard.auth.authorize;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.auth.config.AuthConfig;
import org.smartguard.auth.oauth.SecureTokens;

/** EHR launch contexts in Redis: opaque, short-lived ({@code smartguard.auth.launch-lifetime}) and single-use. */
@ApplicationScoped
public class LaunchContexts {

    static final String KEY_PREFIX = "smartguard:launch:";

    private final RedisJson store;
    private final AuthConfig config;

    LaunchContexts(RedisJson store, AuthConfig config) {
        this.store = store;
        this.config = config;
    }

    /** The opaque {@code launch} value the EHR hands to the app. */
    public String register(LaunchContext context) {
        String launch = SecureTokens.random();
        store.put(key(launch), context, config.launchLifetime());
        return launch;
    }

    /** The context of a launch value, which is used up by this call; empty when unknown, expired or already used. */
    public Optional<LaunchContext> take(String launch) {
        return store.take(key(launch), LaunchContext.class);
    }

    static String key(String launch) {
        return KEY_PREFIX + SecureTokens.hash(launch);
    }
}
