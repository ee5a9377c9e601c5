package org.smartguard.gateway.ratelimit;

import io.vertx.core.http.HttpServerResponse;

/**
 * The budget as the IETF RateLimit header fields draft and Kong name it, on every limited response; a refusal adds
 * {@code Retry-After}.
 */
public final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    public static void write(RateDecision decision, HttpServerResponse response) {
        String limit = Integer.toString(decision.limit());
        String remaining = Integer.toString(decision.remaining());
        response.putHeader("RateLimit-Limit", limit)
                .putHeader("RateLimit-Remaining", remaining)
                .putHeader("RateLimit-Reset", Long.toString(decision.resetSeconds()))
                .putHeader("X-RateLimit-Limit", limit)
                .putHeader("X-RateLimit-Remaining", remaining);
        if (!decision.admitted()) {
            response.putHeader("Retry-After", Long.toString(decision.resetSeconds()));
        }
    }
}
