package org.smartguard.gateway.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.smartguard.commons.vertx.PerPassBatcher;
import org.smartguard.gateway.redis.RedisCall;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The shared window: one atomic Lua script call ({@code sliding-window.lua}), so every gateway replica on the same
 * Redis counts into the same window and together they admit exactly the limit. The same call can ask whether the
 * request's token is on the denylist ({@link #admitUnlessRevoked}). On an event loop, the requests the loop reads in
 * one pass share one call ({@link PerPassBatcher}). Each request is counted exactly as if alone (the
 * script takes them in order); the loop writes to Redis once, and Redis reads, runs a script and answers once, per
 * pass rather than per request (on a busy gateway a pass holds several requests; one alone waits for nothing). The
 * script is sent by its SHA-1 and only in full when Redis does not know it yet (after a restart or a SCRIPT FLUSH).
 */
final class RedisSlidingWindow implements SlidingWindow {

    /** At most this many requests per call: Redis, single-threaded, serves nothing else while a script runs. */
    static final int MAX_BATCH = 64;

    private static final String SCRIPT = load();
    private static final String SHA = sha1(SCRIPT);

    /** In the gateway {@code LocalRedis}: the connection of the caller's event loop. */
    private final RedisCall redis;
    private final long timeoutMillis;
    /** Members of the sorted set must be unique per admission; a random prefix per instance and a counter. */
    private final String memberPrefix = UUID.randomUUID() + ":";
    private final AtomicLong sequence = new AtomicLong();
    private final PerPassBatcher<Admission> batches = new PerPassBatcher<>(MAX_BATCH, this::send);

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
        Admission admission = new Admission(revokedKey, key, limit, window.toMillis(), memberPrefix + sequence.incrementAndGet(),
                Promise.promise());
        batches.add(admission);
        return admission.decision().future();
    }

    private void send(List<Admission> batch) {
        call(Request.cmd(Command.EVALSHA).arg(SHA), batch)
                .recover(failure -> String.valueOf(failure.getMessage()).startsWith("NOSCRIPT")
                        ? call(Request.cmd(Command.EVAL).arg(SCRIPT), batch)
                        : Future.failedFuture(failure))
                .onComplete(answer -> {
                    for (int i = 0; i < batch.size(); i++) {
                        if (answer.failed()) {
                            batch.get(i).decision().fail(answer.cause());
                        } else {
                            batch.get(i).answer(answer.result(), 3 * i);
                        }
                    }
                });
    }

    private Future<Response> call(Request call, List<Admission> batch) {
        call.arg(2 * batch.size());
        for (Admission admission : batch) {
            call.arg(admission.key()).arg(admission.revokedKey() == null ? admission.key() : admission.revokedKey());
        }
        for (Admission admission : batch) {
            call.arg(admission.limit()).arg(admission.windowMillis()).arg(admission.member()).arg(admission.revokedKey() == null ? 0 : 1);
        }
        return redis.send(call, timeoutMillis);
    }

    private record Admission(String revokedKey, String key, int limit, long windowMillis, String member, Promise<RateDecision> decision) {

        /** Completes with this request's three numbers, which start at {@code at} in the script's answer. */
        void answer(Response answers, int at) {
            int admitted = answers.get(at).toInteger();
            if (admitted < 0) {
                decision.fail(TokenRevoked.INSTANCE);
            } else {
                decision.complete(new RateDecision(admitted == 1, limit, answers.get(at + 1).toInteger(), answers.get(at + 2).toLong()));
            }
        }
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
