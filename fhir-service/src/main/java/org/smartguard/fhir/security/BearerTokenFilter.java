package org.smartguard.fhir.security;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.smartguard.commons.jwt.AccessTokenValidator;
import org.smartguard.commons.jwt.InvalidTokenException;
import org.smartguard.commons.jwt.JwksKeySource;
import org.smartguard.commons.tokens.RevokedTokenKeys;
import org.smartguard.commons.urls.PublicUrls;
import org.smartguard.fhir.errors.OperationOutcomeMapper;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.smallrye.mutiny.Uni;

/**
 * Checks the bearer token of every FHIR request except discovery, with the same validator as the gateway: a
 * request that reaches this service without passing the gateway still gets nothing without a valid token.
 */
public class BearerTokenFilter {

    /** Paths under /fhir that need no token. */
    private static final Set<String> PUBLIC = Set.of("metadata", ".well-known/smart-configuration");

    private final AccessTokenValidator validator;
    private final ReactiveKeyCommands<String> redisKeys;
    private final SmartContext context;

    BearerTokenFilter(FhirAuthConfig config, PublicUrls urls, ReactiveRedisDataSource redis, SmartContext context) {
        JwksKeySource keys = new JwksKeySource(config.jwksUri(), config.jwksRefreshFloor(), Duration.ofSeconds(5), Clock.systemUTC());
        this.validator = new AccessTokenValidator(keys, urls.issuer(), urls.fhirBase(), config.clockSkew(), Clock.systemUTC());
        this.redisKeys = redis.key();
        this.context = context;
    }

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath().replaceFirst("^/?(fhir)?/?", "");
        if (PUBLIC.contains(path)) {
            return Uni.createFrom().nullItem();
        }
        List<String> headers = request.getHeaders().getOrDefault("Authorization", List.of());
        if (headers.size() != 1 || !headers.get(0).regionMatches(true, 0, "Bearer ", 0, 7)) {
            return refuse(headers.size() > 1 ? SmartRefusal.invalidToken("send exactly one Authorization header") : SmartRefusal.missingToken());
        }
        String hint = request.getHeaderString("X-FHIR-Patient");
        return Uni.createFrom().completionStage(() -> validator.validate(headers.get(0).substring(7).trim()))
                .flatMap(token -> redisKeys.exists(RevokedTokenKeys.of(token.jti())).map(revoked -> {
                    if (revoked) {
                        throw new InvalidTokenException("the token has been revoked");
                    }
                    context.set(token, hint);
                    return (Response) null;
                }))
                .onFailure(InvalidTokenException.class).recoverWithUni(e -> refuse(SmartRefusal.invalidToken(e.getMessage())));
    }

    private static Uni<Response> refuse(SmartRefusal refusal) {
        return Uni.createFrom().item(OperationOutcomeMapper.outcome(refusal.status(), "login", refusal.code(), refusal.getMessage())
                .header("WWW-Authenticate", refusal.challenge())
                .build());
    }
}
