package org.smartguard.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.jwt.AccessTokenValidator;
import org.smartguard.commons.jwt.InvalidTokenException;
import org.smartguard.commons.jwt.JwksKeySource;
import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.commons.jwt.VerifiedTokenCache;
import org.smartguard.commons.revocation.RevocationCheck;
import org.smartguard.commons.urls.PublicUrls;

import io.vertx.core.http.HttpServerRequest;

/**
 * Authenticates a request by its bearer token: exactly one {@code Authorization: Bearer} header and no token in
 * the query string, a JWT the shared validator accepts, whose {@code jti} is not revoked ({@link RevocationCheck}).
 * Verified tokens are cached until they expire ({@link VerifiedTokenCache}), so only the revocation check (one Redis
 * command) is paid per request.
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

    /**
     * Completes with the token, or fails with {@link BearerRefusal} (or
     * {@link org.smartguard.commons.revocation.RevocationUnavailable} when revocation cannot be checked).
     */
    public CompletionStage<ValidatedToken> authenticate(HttpServerRequest request) {
        String token;
        try {
            token = bearerToken(request);
        } catch (BearerRefusal refusal) {
            return CompletableFuture.failedFuture(refusal);
        }
        return validator.validate(token)
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                    if (cause instanceof InvalidTokenException invalid) {
                        throw BearerRefusal.invalidToken(invalid.getMessage());
                    }
                    throw new IllegalStateException(cause);
                })
                .thenCompose(valid -> revocation.isRevoked(valid.jti())
                        .thenApply(revoked -> {
                            if (revoked) {
                                throw BearerRefusal.invalidToken("the token has been revoked");
                            }
                            return valid;
                        }));
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
