package org.smartguard.audit.search;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.smartguard.audit.access.AuditApiException;

/**
 * A FHIR date or dateTime search value as the half-open range of instants it stands for: {@code 2024} is the whole
 * year, {@code 2024-05-01} the whole day, {@code 2024-05-01T10:00Z} that minute. A time without an offset is UTC.
 */
public record FhirDateRange(Instant start, Instant end) {

    private static final Pattern DATE = Pattern.compile(
            "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?");

    public static FhirDateRange parse(String value) {
        Matcher m = DATE.matcher(value);
        if (!m.matches()) {
            throw AuditApiException.badParameter("not a FHIR date or dateTime: " + shorten(value));
        }
        try {
            int year = Integer.parseInt(m.group(1));
            if (m.group(2) == null) {
                return of(LocalDate.of(year, 1, 1).atStartOfDay(), ZoneOffset.UTC, ChronoUnit.YEARS);
            }
            int month = Integer.parseInt(m.group(2));
            if (m.group(3) == null) {
                return of(LocalDate.of(year, month, 1).atStartOfDay(), ZoneOffset.UTC, ChronoUnit.MONTHS);
            }
            LocalDate day = LocalDate.of(year, month, Integer.parseInt(m.group(3)));
            if (m.group(4) == null) {
                return of(day.atStartOfDay(), ZoneOffset.UTC, ChronoUnit.DAYS);
            }
            ZoneOffset offset = m.group(8) == null || m.group(8).equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
            LocalDateTime minute = day.atTime(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
            if (m.group(6) == null) {
                return of(minute, offset, ChronoUnit.MINUTES);
            }
            LocalDateTime second = minute.withSecond(Integer.parseInt(m.group(6)));
            if (m.group(7) == null) {
                return of(second, offset, ChronoUnit.SECONDS);
            }
            Instant exact = OffsetDateTime.of(second, offset).toInstant()
                    .plusNanos(Long.parseLong((m.group(7).substring(1) + "00000000").substring(0, 9)));
            return new FhirDateRange(exact, exact.plus(1, ChronoUnit.MICROS));
        } catch (DateTimeException | NumberFormatException e) {
            throw AuditApiException.badParameter("not a valid date: " + shorten(value));
        }
    }

    private static FhirDateRange of(LocalDateTime start, ZoneOffset offset, ChronoUnit precision) {
        OffsetDateTime from = OffsetDateTime.of(start, offset);
        return new FhirDateRange(from.toInstant(), from.plus(1, precision).toInstant());
    }

    static String shorten(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }
}
