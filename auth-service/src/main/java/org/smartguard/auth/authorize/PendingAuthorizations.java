package org.smartguard.auth.authorize;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.auth.oauth.SecureTokens;

/**
 * Pending authorizations in Redis, under a random id the browser holds in an HttpOnly cookie. The id changes at
 * every step (a new one after login), so an id seen before login is worthless after it.
 */
@ApplicationScoped
public class PendingAuthorizations {

    private static final String KEY_PREFIX = "smartguard:authorize:";

    private final RedisJson store;
    private final AuthorizeConfig config;

    PendingAuthorizations(RedisJson store, AuthorizeConfig config) {
        this.store = store;
        this.config = config;
    }

    /** Stores a new step of the flow, removing the previous one; returns the id for the cookie. */
    public String save(String previousId, PendingAuthorization pending) {
        if (previousId != null) {
            store.delete(key(previousId));
        }
        String id = SecureTokens.random();
        store.put(key(id), pending, config.pendingLifetime());
        return id;
    }

    public Optional<PendingAuthorization> find(String id) {
        return id == null ? Optional.empty() : store.get(key(id), PendingAuthorization.class);
    }

    /** Ends the flow: the pending authorization can be decided once. */
    public Optional<PendingAuthorization> take(String id) {
        return id == null ? Optional.empty() : store.take(key(id), PendingAuthorization.class);
    }

    private static String key(String id) {
        return KEY_PREFIX + SecureTokens.hash(id);
    }
}
