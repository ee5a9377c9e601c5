package org.smartguard.fhir.search;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import org.hl7.fhir.r4.model.BaseDateTimeType;

/**
 * A FHIR date is a range, not an instant: {@code 2024} means all of 2024. Dates are indexed and searched as
 * [low, high) ranges at their precision, so {@code date=2024-03} matches a {@code 2024-03-15T10:00} observation.
 * Dates without a time (and so without a zone) are taken as UTC days.
 */
public final class DateRanges {

    /** An open end of a Period is the far past or future. */
    public static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant MAX = Instant.parse("9999-12-31T00:00:00Z");

    public record Range(Instant low, Instant high) {
    }

    private DateRanges() {
    }

    public static Range of(BaseDateTimeType date) {
        if (date == null || date.getValue() == null) {
            return null;
        }
        return switch (date.getPrecision()) {
            case YEAR -> days(LocalDate.of(date.getYear(), 1, 1), LocalDate.of(date.getYear() + 1, 1, 1));
            case MONTH -> {
                LocalDate start = LocalDate.of(date.getYear(), date.getMonth() + 1, 1);
                yield days(start, start.plusMonths(1));
            }
            case DAY -> {
                LocalDate start = LocalDate.of(date.getYear(), date.getMonth() + 1, date.getDay());
                yield days(start, start.plusDays(1));
            }
            case MINUTE -> instant(date, ChronoUnit.MINUTES);
            case SECOND -> instant(date, ChronoUnit.SECONDS);
            default -> instant(date, ChronoUnit.MILLIS);
        };
    }

    private static Range days(LocalDate start, LocalDate end) {
        return new Range(start.atStartOfDay(ZoneOffset.UTC).toInstant(), end.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    private static Range instant(BaseDateTimeType date, ChronoUnit unit) {
        Instant low = date.getValue().toInstant().truncatedTo(unit);
        return new Range(low, low.plus(1, unit));
    }
}
