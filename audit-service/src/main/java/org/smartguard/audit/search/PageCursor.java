package org.smartguard.audit.search;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.smartguard.audit.access.AuditApiException;

/**
 * Where the next page starts: the sort key (a time in microseconds, PostgreSQL's precision, and a UUID as tie
 * breaker) of the last row sent. Keyset paging: a page costs the same however deep it is, and rows stored meanwhile
 * never shift it.
 */
public record PageCursor(Instant time, UUID id) {

    private static final Pattern FORMAT = Pattern.compile("(-?\\d{1,18})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

    public static PageCursor parse(String value) {
        Matcher m = FORMAT.matcher(value);
        if (!m.matches()) {
            throw AuditApiException.badParameter("not a cursor of this server: " + FhirDateRange.shorten(value));
        }
        return new PageCursor(Instant.EPOCH.plus(Long.parseLong(m.group(1)), ChronoUnit.MICROS), UUID.fromString(m.group(2)));
    }

    public String encode() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, time) + "_" + id;
    }
}
