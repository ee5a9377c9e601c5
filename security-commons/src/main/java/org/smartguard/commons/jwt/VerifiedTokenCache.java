package org.smartguard.commons.jwt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * An {@link AccessTokenValidator} behind a bounded cache of the tokens it accepted, keyed by the token's SHA-256 and
 * kept until the token expires: a client's repeated calls pay one hash instead of one RS256 verification each.
 * Refusals are not cached. Revocation is not decided here: callers check the denylist on every request.
 */
public final class VerifiedTokenCache {

    /** One digest per thread (the event loops): every request hashes its token, and needs no provider lookup to do it. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private final AccessTokenValidator validator;
    private final Cache<String, ValidatedToken> verified;

    public VerifiedTokenCache(AccessTokenValidator validator, int maximumSize, Clock clock) {
        this.validator = validator;
        this.verified = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(Expiry.creating((String hash, ValidatedToken token) -> {
                    Duration left = Duration.between(clock.instant(), token.expiresAt());
                    return left.isNegative() ? Duration.ZERO : left;
                }))
                .build();
    }

    /** The claims of a token verified before and not expired, or null: a caller's synchronous fast path. */
    public ValidatedToken cached(String token) {
        if (token == null || token.length() > AccessTokenValidator.MAX_TOKEN_LENGTH) {
            return null;
        }
        return verified.getIfPresent(sha256(token));
    }

    /** Completes with the token's claims, or fails with {@link InvalidTokenException}, like the validator. */
    public CompletionStage<ValidatedToken> validate(String token) {
        if (token == null || token.length() > AccessTokenValidator.MAX_TOKEN_LENGTH) {
            return validator.validate(token);
        }
        String hash = sha256(token);
        ValidatedToken cached = verified.getIfPresent(hash);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return validator.validate(token).thenApply(valid -> {
            verified.put(hash, valid);
            return valid;
        });
    }

    private static String sha256(String token) {
        byte[] digest = SHA256.get().digest(token.getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(digest);
    }
}
