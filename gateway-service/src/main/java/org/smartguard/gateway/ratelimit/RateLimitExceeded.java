package org.smartguard.gateway.ratelimit;

/** The request is over its budget; the decision says when to retry. */
public class RateLimitExceeded extends RuntimeException {

    private final RateDecision decision;

    RateLimitExceeded(RateDecision decision, String message) {
        super(message, null, false, false);
        this.decision = decision;
    }

    public RateDecision decision() {
        return decision;
    }
}
