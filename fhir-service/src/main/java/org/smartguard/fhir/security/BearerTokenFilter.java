package org.smartguard.fhir.security;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.smartguard.commons.jwt.AccessTokenValidator;
import org.smartguard.commons.jwt.InvalidTokenException;
import org.smartguard.commons.jwt.JwksKeySource;
import org.smartguard.commons.jwt.VerifiedTokenCache;
import org.smartguard.commons.revocation.RevocationCheck;
import org.smartguard.commons.revocation.RevocationUnavailable;
import org.smartguard.commons.urls.PublicUrls;
import org.smartguard.fhir.errors.OperationOutcomeMapper;

import io.smallrye.mutiny.Uni;

/**
 * Checks the bearer token of every FHIR request except discovery, with the same validator and cache of verified
 * tokens as the gateway: a request that reaches this service without passing the gateway still gets nothing without
 * a valid token. Revocation is checked on every request as at the gateway ({@link RevocationCheck}): when it cannot
 * be checked the request is 503, never served.
 */
public class BearerTokenFilter {

    /** Paths under /fhir that need no token. */
    private static final Set<String> PUBLIC = Set.of("metadata", ".well-known/smart-configuration");
    /** Compiled once: String.replaceFirst would compile it on every request. */
    private static final Pattern FHIR_PREFIX = Pattern.compile("^/?(fhir)?/?");

    private final VerifiedTokenCache validator;
    private final RevocationCheck revocation;
    private final SmartContext context;

    BearerTokenFilter(FhirAuthConfig config, PublicUrls urls, RevocationCheck revocation, SmartContext context) {
        JwksKeySource keys = new JwksKeySource(config.jwksUri(), config.jwksRefreshFloor(), Duration.ofSeconds(5), Clock.systemUTC());
        this.validator = new VerifiedTokenCache(new AccessTokenValidator(keys, urls.issuer(), urls.fhirBase(), config.clockSkew(), Clock.systemUTC()),
                config.verifiedCacheSize(), Clock.systemUTC());
        this.revocation = revocation;
        this.context = context;
    }

    /**
     * On the event loop, before the switch to a worker thread: the revocation lookups of the requests one loop reads
     * in a pass then share one Redis batch ({@link BatchedExists}), and the check costs no worker-to-loop hop and back.
     * Nothing here blocks (cached or CPU-only validation, asynchronous key and list fetches). Quarkus runs such a filter
     * only before all others: authentication's priority.
     */
    @ServerRequestFilter(nonBlocking = true, priority = Priorities.AUTHENTICATION)
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String path = FHIR_PREFIX.matcher(request.getUriInfo().getPath()).replaceFirst("");
        if (PUBLIC.contains(path)) {
            return Uni.createFrom().nullItem();
        }
        List<String> headers = request.getHeaders().getOrDefault("Authorization", List.of());
        if (headers.size() != 1 || !headers.get(0).regionMatches(true, 0, "Bearer ", 0, 7)) {
            return refuse(headers.size() > 1 ? SmartRefusal.invalidToken("send exactly one Authorization header") : SmartRefusal.missingToken());
        }
        String hint = request.getHeaderString("X-FHIR-Patient");
        return Uni.createFrom().completionStage(() -> validator.validate(headers.get(0).substring(7).trim()))
                .flatMap(token -> Uni.createFrom().completionStage(() -> revocation.isRevoked(token.jti())).map(revoked -> {
                    if (revoked) {
                        throw new InvalidTokenException("the token has been revoked");
                    }
                    context.set(token, hint);
                    return (Response) null;
                }))
                .onFailure(InvalidTokenException.class).recoverWithUni(e -> refuse(SmartRefusal.invalidToken(e.getMessage())))
                .onFailure(RevocationUnavailable.class).recoverWithItem(e -> OperationOutcomeMapper
                        .outcome(503, "transient", RevocationUnavailable.CODE, e.getMessage()).build());
    }

    private static Uni<Response> refuse(SmartRefusal refusal) {
        return Uni.createFrom().item(OperationOutcomeMapper.outcome(refusal.status(), "login", refusal.code(), refusal.getMessage())
                .header("WWW-Authenticate", refusal.challenge())
                .build());
    }
}
