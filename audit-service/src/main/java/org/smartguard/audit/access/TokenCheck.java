package org.smartguard.audit.access;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.jwt.AccessTokenValidator;
import org.smartguard.commons.jwt.InvalidTokenException;
import org.smartguard.commons.jwt.JwksKeySource;
import org.smartguard.commons.tokens.RevokedTokenKeys;
import org.smartguard.commons.urls.PublicUrls;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.smallrye.mutiny.Uni;

/**
 * Turns a bearer token into a caller: the shared validator (signature, issuer, audience, lifetime), the revocation
 * denylist in Redis, then the role policy. The gateway checks the same, but the audit-service does not rely on being
 * reached only through it.
 */
@ApplicationScoped
public class TokenCheck {

    private final AccessTokenValidator validator;
    private final ReactiveKeyCommands<String> redisKeys;
    private final AuditRolePolicy roles;

    TokenCheck(AuditApiConfig config, PublicUrls urls, ReactiveRedisDataSource redis, AuditRolePolicy roles) {
        JwksKeySource keys = new JwksKeySource(config.jwksUri(), config.jwksRefreshFloor(), Duration.ofSeconds(5), Clock.systemUTC());
        this.validator = new AccessTokenValidator(keys, urls.issuer(), urls.fhirBase(), config.clockSkew(), Clock.systemUTC());
        this.redisKeys = redis.key();
        this.roles = roles;
    }

    /** The caller, or a failure with {@link AuditApiException} (401 for the token, 403 for its scopes). */
    public Uni<AuditCaller> caller(String token) {
        return Uni.createFrom().completionStage(() -> validator.validate(token))
                .flatMap(valid -> redisKeys.exists(RevokedTokenKeys.of(valid.jti())).map(revoked -> {
                    if (revoked) {
                        throw new InvalidTokenException("the token has been revoked");
                    }
                    return new AuditCaller(valid, roles.roleOf(valid));
                }))
                .onFailure(InvalidTokenException.class).transform(e -> AuditApiException.invalidToken(e.getMessage()));
    }
}
