package org.smartguard.audit.dashboard;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.smartguard.audit.dashboard.DashboardQueries.HourCount;

/**
 * The geometry of the events-and-denials-per-hour bar chart, computed here so the template only places SVG shapes:
 * no script, nothing drawn in the browser.
 */
public record HourlyChart(int width, int height, long max, List<Bar> bars) {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 180;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:00").withZone(ZoneOffset.UTC);

    /** One hour: its events bar, the denials bar in front of it, and a label every few hours. */
    public record Bar(int x, int width, int eventsY, int eventsHeight, int denialsY, int denialsHeight, String hour,
            long events, long denials, boolean labelled) {
    }

    /** The SVG's height: the bars and a row of hour labels below them. */
    public int svgHeight() {
        return height + 24;
    }

    public int labelY() {
        return height + 16;
    }

    /** The chart of {@code hours} whole hours ending with the current one. */
    public static HourlyChart of(Map<Instant, HourCount> counts, Instant now, int hours) {
        Instant last = now.truncatedTo(ChronoUnit.HOURS);
        long max = Math.max(1, counts.values().stream().mapToLong(HourCount::events).max().orElse(0));
        int slot = WIDTH / hours;
        List<Bar> bars = new ArrayList<>(hours);
        for (int i = 0; i < hours; i++) {
            Instant hour = last.minus(hours - 1 - i, ChronoUnit.HOURS);
            HourCount count = counts.getOrDefault(hour, new HourCount(0, 0));
            int eventsHeight = (int) Math.round((double) count.events() * HEIGHT / max);
            int denialsHeight = (int) Math.round((double) count.denials() * HEIGHT / max);
            bars.add(new Bar(i * slot + 1, Math.max(1, slot - 2), HEIGHT - eventsHeight, eventsHeight, HEIGHT - denialsHeight,
                    denialsHeight, HOUR.format(hour), count.events(), count.denials(), i % 3 == 0));
        }
        return new HourlyChart(WIDTH, HEIGHT, max, bars);
    }
}
