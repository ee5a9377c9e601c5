package org.smartguard.gateway.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.smartguard.gateway.redis.RedisCall;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The shared window: one atomic Lua script call per request ({@code sliding-window.lua}), so every gateway replica
 * on the same Redis counts into the same window and together they admit exactly the limit. The same call can ask
 * whether the request's token is on the denylist ({@link #admitUnlessRevoked}): one round trip per request. The
 * script is sent by its SHA-1 and only in full when Redis does not know it yet (after a restart or a SCRIPT FLUSH).
 */
final class RedisSlidingWindow implements SlidingWindow {

    private static final String SCRIPT = load();
    private static final String SHA = sha1(SCRIPT);

    /** In the gateway {@code LocalRedis}: the connection of the caller's event loop. */
    private final RedisCall redis;
    private final long timeoutMillis;
    /** Members of the sorted set must be unique per admission; a random prefix per instance and a counter. */
    private final String memberPrefix = UUID.randomUUID() + ":";
    private final AtomicLong sequence = new AtomicLong();

    RedisSlidingWindow(RedisCall redis, Duration timeout) {
        this.redis = redis;
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public Future<RateDecision> admit(String key, int limit, Duration window) {
        return admitUnlessRevoked(null, key, limit, window);
    }

    /**
     * Counts the request unless {@code revokedKey} (the token's denylist key; null: no check) exists, in which case
     * nothing is counted and the result fails with {@link TokenRevoked}.
     */
    Future<RateDecision> admitUnlessRevoked(String revokedKey, String key, int limit, Duration window) {
        String member = memberPrefix + sequence.incrementAndGet();
        return run(Request.cmd(Command.EVALSHA).arg(SHA), revokedKey, key, limit, window, member)
                .recover(failure -> String.valueOf(failure.getMessage()).startsWith("NOSCRIPT")
                        ? run(Request.cmd(Command.EVAL).arg(SCRIPT), revokedKey, key, limit, window, member)
                        : Future.failedFuture(failure))
                .compose(response -> {
                    int admitted = response.get(0).toInteger();
                    if (admitted < 0) {
                        return Future.failedFuture(TokenRevoked.INSTANCE);
                    }
                    return Future.succeededFuture(new RateDecision(admitted == 1, limit, response.get(1).toInteger(), response.get(2).toLong()));
                });
    }

    private Future<Response> run(Request call, String revokedKey, String key, int limit, Duration window, String member) {
        if (revokedKey == null) {
            call.arg(1).arg(key);
        } else {
            call.arg(2).arg(key).arg(revokedKey);
        }
        return redis.send(call.arg(limit).arg(window.toMillis()).arg(member), timeoutMillis);
    }
    private static String load() {
        try (InputStream in = RedisSlidingWindow.class.getResourceAsStream("sliding-window.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("sliding-window.lua is missing from the class path", e);
        }
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
