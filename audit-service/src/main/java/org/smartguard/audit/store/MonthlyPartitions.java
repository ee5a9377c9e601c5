package org.smartguard.audit.store;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monthly partition plan of {@code audit_log.events}, in UTC: which months must exist and which are past
 * retention. A month is dropped only when all of it is older than the retention period, never a part of one. The
 * search keys ({@code audit_log.event_keys}) have a partition of the same month beside each events partition.
 */
public final class MonthlyPartitions {

    private static final Pattern NAME = Pattern.compile("events_(\\d{4})_(\\d{2})");
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("'events_'yyyy_MM");
    private static final DateTimeFormatter KEYS_FORMAT = DateTimeFormatter.ofPattern("'event_keys_'yyyy_MM");

    private final int retentionMonths;
    private final int monthsAhead;

    public MonthlyPartitions(int retentionMonths, int monthsAhead) {
        if (retentionMonths < 1 || monthsAhead < 0) {
            throw new IllegalArgumentException("retention must be at least one month and months ahead not negative");
        }
        this.retentionMonths = retentionMonths;
        this.monthsAhead = monthsAhead;
    }

    public static String nameOf(YearMonth month) {
        return FORMAT.format(month);
    }

    /** The search keys' partition of the month. */
    public static String keysNameOf(YearMonth month) {
        return KEYS_FORMAT.format(month);
    }

    public static Optional<YearMonth> monthOf(String partitionName) {
        Matcher matcher = NAME.matcher(partitionName);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(YearMonth.of(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2))));
    }

    public static Instant startOf(YearMonth month) {
        return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /** The current month and the months ahead: they must exist before an event is stored in them. */
    public List<YearMonth> monthsToHave(Instant now) {
        YearMonth current = YearMonth.from(now.atOffset(ZoneOffset.UTC));
        List<YearMonth> months = new ArrayList<>();
        for (int i = 0; i <= monthsAhead; i++) {
            months.add(current.plusMonths(i));
        }
        return months;
    }

    /** Whether every instant of the month is older than the retention period at {@code now}. */
    public boolean isExpired(YearMonth month, Instant now) {
        Instant cutoff = now.atOffset(ZoneOffset.UTC).minusMonths(retentionMonths).toInstant();
        return !startOf(month.plusMonths(1)).isAfter(cutoff);
    }
}
