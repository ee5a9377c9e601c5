package org.smartguard.audit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class MonthlyPartitionsTest {

    private final MonthlyPartitions sixYears = new MonthlyPartitions(72, 2);

    @Test
    void theCurrentMonthAndTheMonthsAheadMustExistAcrossAYearEnd() {
        assertEquals(List.of(YearMonth.of(2026, 11), YearMonth.of(2026, 12), YearMonth.of(2027, 1)),
                sixYears.monthsToHave(Instant.parse("2026-11-28T19:00:00Z")));
    }

    @Test
    void monthsAreInUtc() {
        assertEquals(YearMonth.of(2026, 12), sixYears.monthsToHave(Instant.parse("2026-12-01T00:00:00Z")).get(0));
        assertEquals(YearMonth.of(2026, 11), sixYears.monthsToHave(Instant.parse("2026-11-30T23:59:59Z")).get(0));
    }

    @Test
    void aMonthIsExpiredOnlyWhenAllOfItIsOlderThanTheRetention() {
        Instant now = Instant.parse("2026-11-28T19:00:00Z");
        // cutoff 2020-11-28T19:00Z: October 2020 ended before it, November 2020 did not
        assertTrue(sixYears.isExpired(YearMonth.of(2020, 10), now));
        assertFalse(sixYears.isExpired(YearMonth.of(2020, 11), now));
        assertFalse(sixYears.isExpired(YearMonth.of(2026, 11), now));
    }

    @Test
    void aMonthExpiresExactlyWhenItsLastInstantPassesTheCutoff() {
        MonthlyPartitions oneMonth = new MonthlyPartitions(1, 0);
        assertFalse(oneMonth.isExpired(YearMonth.of(2025, 1), Instant.parse("2025-02-28T23:59:59Z")));
        assertTrue(oneMonth.isExpired(YearMonth.of(2025, 1), Instant.parse("2025-03-01T00:00:00Z")));
    }

    @Test
    void partitionNamesRoundTripAndOtherTablesAreNotMonths() {
        assertEquals("events_2026_03", MonthlyPartitions.nameOf(YearMonth.of(2026, 3)));
        assertEquals(Optional.of(YearMonth.of(2026, 3)), MonthlyPartitions.monthOf("events_2026_03"));
        assertEquals(Optional.empty(), MonthlyPartitions.monthOf("events_default"));
        assertEquals(Optional.empty(), MonthlyPartitions.monthOf("events_2026_03_old"));
    }

    @Test
    void aRetentionUnderOneMonthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MonthlyPartitions(0, 2));
    }
}
