package org.smartguard.gateway.ratelimit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.vertx.core.Future;

/**
 * The same sliding-window log as the Lua script, in this replica's memory: used while Redis is unreachable, so
 * each replica still enforces the limit on what it sees (N replicas may then admit up to N times the limit).
 * Keys idle for a window are dropped, and at most {@code maxKeys} are kept.
 */
final class LocalSlidingWindow implements SlidingWindow {

    private final Cache<String, ArrayDeque<Long>> windows;
    private final LongSupplier clockMillis;

    LocalSlidingWindow(int maxKeys, Duration window, LongSupplier clockMillis) {
        this.windows = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(window).build();
        this.clockMillis = clockMillis;
    }

    @Override
    public Future<RateDecision> admit(String key, int limit, Duration window) {
        ArrayDeque<Long> admissions = windows.get(key, ignored -> new ArrayDeque<>());
        long now = clockMillis.getAsLong();
        long windowMillis = window.toMillis();
        synchronized (admissions) {
            while (!admissions.isEmpty() && admissions.peekFirst() <= now - windowMillis) {
                admissions.pollFirst();
            }
            boolean admitted = admissions.size() < limit;
            if (admitted) {
                admissions.addLast(now);
            }
            long reset = admissions.isEmpty() ? windowMillis : admissions.peekFirst() + windowMillis - now;
            return Future.succeededFuture(new RateDecision(admitted, limit, limit - admissions.size(), reset));
        }
    }
}
