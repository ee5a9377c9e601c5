package org.smartguard.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.jwt.AccessTokenValidator;
import org.smartguard.commons.jwt.InvalidTokenException;
import org.smartguard.commons.jwt.JwksKeySource;
import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.commons.tokens.RevokedTokenKeys;
import org.smartguard.commons.urls.PublicUrls;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.vertx.core.http.HttpServerRequest;

/**
 * Authenticates a request by its bearer token: exactly one {@code Authorization: Bearer} header and no token in
 * the query string, a JWT the shared validator accepts, whose {@code jti} is not on the denylist. Verified tokens
 * are cached by hash until they expire, so only the denylist lookup (one Redis command) is paid per request.
 */
@ApplicationScoped
public class BearerAuthenticator {

    private static final String BEARER = "Bearer ";

    private final AccessTokenValidator validator;
    private final ReactiveKeyCommands<String> redisKeys;
    private final Cache<String, ValidatedToken> verified;

    BearerAuthenticator(GatewayAuthConfig config, PublicUrls urls, ReactiveRedisDataSource redis) {
        JwksKeySource keys = new JwksKeySource(config.jwksUri(), config.jwksRefreshFloor(), Duration.ofSeconds(5), Clock.systemUTC());
        this.validator = new AccessTokenValidator(keys, urls.issuer(), urls.fhirBase(), config.clockSkew(), Clock.systemUTC());
        this.redisKeys = redis.key();
        this.verified = Caffeine.newBuilder()
                .maximumSize(config.verifiedCacheSize())
                .expireAfter(Expiry.creating((String hash, ValidatedToken token) ->
                        Duration.between(Instant.now(), token.expiresAt()).isNegative() ? Duration.ZERO : Duration.between(Instant.now(), token.expiresAt())))
                .build();
    }

    /** Completes with the token, or fails with {@link BearerRefusal}. */
    public CompletionStage<ValidatedToken> authenticate(HttpServerRequest request) {
        String token;
        try {
            token = bearerToken(request);
        } catch (BearerRefusal refusal) {
            return CompletableFuture.failedFuture(refusal);
        }
        String hash = sha256(token);
        ValidatedToken cached = verified.getIfPresent(hash);
        CompletionStage<ValidatedToken> checked = cached != null
                ? CompletableFuture.completedFuture(cached)
                : validator.validate(token).thenApply(valid -> {
                    verified.put(hash, valid);
                    return valid;
                });
        return checked
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                    if (cause instanceof InvalidTokenException invalid) {
                        throw BearerRefusal.invalidToken(invalid.getMessage());
                    }
                    throw new IllegalStateException(cause);
                })
                .thenCompose(valid -> redisKeys.exists(RevokedTokenKeys.of(valid.jti())).subscribeAsCompletionStage()
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

    private static String sha256(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
