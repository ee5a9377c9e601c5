package org.smartguard.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.jwt.AccessTokenValidator;
import org.smartguard.commons.jwt.InvalidTokenException;
import org.smartguard.commons.jwt.JwksKeySource;
import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.commons.jwt.VerifiedTokenCache;
import org.smartguard.commons.revocation.RevocationCheck;
import org.smartguard.commons.urls.PublicUrls;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * Authenticates a request by its bearer token: exactly one {@code Authorization: Bearer} header and no token in
 * the query string, a JWT the shared validator accepts. Verified tokens are cached until they expire
 * ({@link VerifiedTokenCache}): a known token costs one hash and no scheduling. Whether the token's {@code jti} is
 * revoked is the caller's next step: asked in the same Redis call as the rate limit
 * ({@link org.smartguard.gateway.ratelimit.RateLimiter#admitPatientRequest}), or by {@link #notRevoked} when the
 * request is refused before it is counted.
 */
@ApplicationScoped
public class BearerAuthenticator {

    private static final String BEARER = "Bearer ";

    private final VerifiedTokenCache validator;
    private final RevocationCheck revocation;

    BearerAuthenticator(GatewayAuthConfig config, PublicUrls urls, RevocationCheck revocation) {
        JwksKeySource keys = new JwksKeySource(config.jwksUri(), config.jwksRefreshFloor(), Duration.ofSeconds(5), Clock.systemUTC());
        this.validator = new VerifiedTokenCache(new AccessTokenValidator(keys, urls.issuer(), urls.fhirBase(), config.clockSkew(), Clock.systemUTC()),
                config.verifiedCacheSize(), Clock.systemUTC());
        this.revocation = revocation;
    }

    /** Completes with the verified token (revocation not checked yet), or fails with {@link BearerRefusal}. */
    public Future<ValidatedToken> authenticate(HttpServerRequest request) {
        String token;
        try {
            token = bearerToken(request);
        } catch (BearerRefusal refusal) {
            return Future.failedFuture(refusal);
        }
        ValidatedToken known = validator.cached(token);
        if (known != null) {
            return Future.succeededFuture(known);
        }
        return onCallersContext(validator.validate(token)).recover(failure -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof InvalidTokenException invalid) {
                return Future.failedFuture(BearerRefusal.invalidToken(invalid.getMessage()));
            }
            return Future.failedFuture(new IllegalStateException(cause));
        });
    }

    /**
     * Completes with the token when its {@code jti} is not revoked; fails with {@link BearerRefusal} when it is, or
     * with {@link org.smartguard.commons.revocation.RevocationUnavailable} when that cannot be known.
     */
    public Future<ValidatedToken> notRevoked(ValidatedToken token) {
        return onCallersContext(revocation.isRevoked(token.jti()))
                .compose(revoked -> revoked ? Future.failedFuture(BearerRefusal.revoked()) : Future.succeededFuture(token));
    }

    /** A stage that may complete on another thread (a JWKS or list fetch), continued on the request's context. */
    private static <T> Future<T> onCallersContext(CompletionStage<T> stage) {
        Context context = Vertx.currentContext();
        return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
    }

    private static String bearerToken(HttpServerRequest request) {
        if (request.params().contains("access_token")) {
            throw BearerRefusal.invalidRequest("tokens are accepted only in the Authorization header");
        }
        List<String> headers = request.headers().getAll("Authorization");
        if (headers.isEmpty()) {
            throw BearerRefusal.missing();
        }
        if (headers.size() > 1) {
            throw BearerRefusal.invalidRequest("send exactly one Authorization header");
        }
        String header = headers.get(0);
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw BearerRefusal.missing();
        }
        return header.substring(BEARER.length()).trim();
    }
}
