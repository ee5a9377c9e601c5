package org.smartguard.gateway.ratelimit;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Counts an admission for a key in a sliding window of {@code window}, refusing beyond {@code limit}. */
interface SlidingWindow {

    CompletionStage<RateDecision> admit(String key, int limit, Duration window);
}
