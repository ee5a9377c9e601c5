package org.smartguard.fhir.security;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.scope.SmartScopes;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The scopes a token's {@code scope} claim grants (unknown scopes grant nothing), parsed once per distinct claim
 * instead of on every request: an app repeats its token, and many tokens carry the same scopes. {@link SmartScopes}
 * is immutable, so one parse serves every request. Bounded like the cache of verified tokens.
 */
@ApplicationScoped
class GrantedScopes {

    private final Cache<String, SmartScopes> parsed;

    GrantedScopes(FhirAuthConfig config) {
        this.parsed = Caffeine.newBuilder().maximumSize(config.verifiedCacheSize()).build();
    }

    SmartScopes of(String scopeClaim) {
        return parsed.get(scopeClaim, claim -> SmartScopes.parseLenient(claim).understood());
    }
}
