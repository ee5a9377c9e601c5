package org.smartguard.audit.alerts;

import java.util.List;

/**
 * An alert as published on {@code security-alerts} (JSON) and stored: which rule fired for which subject, in which
 * window (ISO-8601 instants), how many events or resources it counted against which threshold, and the ids of the
 * first evidence events (capped; the audit store holds them all).
 */
public record SecurityAlert(String alertId, String rule, String severity, String subject, String windowStart,
        String windowEnd, long count, long threshold, List<String> evidence) {
}
