package org.smartguard.gateway.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The shared window: one atomic Lua script call per request ({@code sliding-window.lua}), so every gateway replica
 * on the same Redis counts into the same window and together they admit exactly the limit. The script is sent by
 * its SHA-1 and only in full when Redis does not know it yet (after a restart or a SCRIPT FLUSH).
 */
final class RedisSlidingWindow implements SlidingWindow {

    private static final String SCRIPT = load();
    private static final String SHA = sha1(SCRIPT);

    /** Sends one command: in the gateway {@code LocalRedis::send}, the connection of the caller's event loop. */
    private final Function<Request, Uni<Response>> redis;
    private final Duration timeout;
    /** Members of the sorted set must be unique per admission; a random prefix per instance and a counter. */
    private final String memberPrefix = UUID.randomUUID() + ":";
    private final AtomicLong sequence = new AtomicLong();

    RedisSlidingWindow(Function<Request, Uni<Response>> redis, Duration timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    @Override
    public CompletionStage<RateDecision> admit(String key, int limit, Duration window) {
        String member = memberPrefix + sequence.incrementAndGet();
        return run(Request.cmd(Command.EVALSHA).arg(SHA), key, limit, window, member)
                .onFailure(failure -> String.valueOf(failure.getMessage()).startsWith("NOSCRIPT"))
                .recoverWithUni(() -> run(Request.cmd(Command.EVAL).arg(SCRIPT), key, limit, window, member))
                .ifNoItem().after(timeout).fail()
                .map(response -> new RateDecision(response.get(0).toInteger() == 1, limit,
                        response.get(1).toInteger(), response.get(2).toLong()))
                .subscribeAsCompletionStage();
    }

    private Uni<Response> run(Request call, String key, int limit, Duration window, String member) {
        return redis.apply(call.arg(1).arg(key).arg(limit).arg(window.toMillis()).arg(member));
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
