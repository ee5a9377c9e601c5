package org.smartguard.gateway.ratelimit;

/**
 * The outcome of counting one request against a budget.
 *
 * @param limit        admissions allowed per window
 * @param remaining    admissions left in the current window after this one
 * @param resetMillis  time until the oldest admission leaves the window (and one more is allowed)
 */
public record RateDecision(boolean admitted, int limit, int remaining, long resetMillis) {

    /** Whole seconds until one more request is allowed, never 0 (a client told 0 would retry at once). */
    public long resetSeconds() {
        return Math.max(1, (resetMillis + 999) / 1000);
    }
}
