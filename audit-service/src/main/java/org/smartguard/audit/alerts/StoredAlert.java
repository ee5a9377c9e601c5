package org.smartguard.audit.alerts;

import java.time.Instant;
import java.util.List;

/** An alert as stored, with its lifecycle: open until someone acknowledges it (who and when are kept). */
public record StoredAlert(String alertId, String rule, String severity, String subject, Instant windowStart, Instant windowEnd,
        long count, long threshold, List<String> evidence, String status, Instant raisedAt, Instant acknowledgedAt,
        String acknowledgedBy) {

    public static final String OPEN = "open";
    public static final String ACKNOWLEDGED = "acknowledged";
}
