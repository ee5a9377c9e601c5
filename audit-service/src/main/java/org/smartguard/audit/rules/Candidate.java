package org.smartguard.audit.rules;

import java.util.List;

/** A rule's threshold crossed for a subject in a window; the gate decides whether it is a new incident. */
public record Candidate(Rule rule, long windowStart, long windowEnd, long count, long threshold, List<String> evidence) {
}
