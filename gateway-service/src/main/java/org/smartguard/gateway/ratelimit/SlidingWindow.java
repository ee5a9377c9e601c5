package org.smartguard.gateway.ratelimit;

import java.time.Duration;

import io.vertx.core.Future;

/** Counts an admission for a key in a sliding window of {@code window}, refusing beyond {@code limit}. */
interface SlidingWindow {

    Future<RateDecision> admit(String key, int limit, Duration window);
}
