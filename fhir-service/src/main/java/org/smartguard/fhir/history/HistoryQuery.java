package org.smartguard.fhir.history;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hl7.fhir.r4.model.DateTimeType;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.search.DateRanges;
import org.smartguard.fhir.search.SearchService;

/**
 * The parameters of a history interaction: {@code _since} (versions at or after an instant), {@code _at} (versions
 * current at some time in a date's range, or with a prefix before or after it), {@code _count} (page size, capped like
 * searches) and {@code _cursor} (the keyset position this server put in a {@code next} or {@code previous} link).
 * Anything else is refused, so a client never believes a filter was applied that was not.
 *
 * @param since  the earliest version time, or null
 * @param at     when the versions must have been current, or null
 * @param count  the page size
 * @param cursor where the page starts (after a version, or before one for a previous page), or null for the first page
 */
public record HistoryQuery(Instant since, At at, int count, Position cursor) {

    private static final Set<String> ACCEPTED = Set.of("_since", "_at", "_count", "_cursor", "_format");
    private static final Pattern CURSOR = Pattern.compile("(b?)(-?\\d{1,19})_(\\d{1,19})_(\\d{1,19})");
    private static final Pattern PREFIXED = Pattern.compile("(eq|lt|le|gt|ge)(\\d.*)");

    /**
     * {@code _at}: a version is current from its own time until the next version's. Plain (or {@code eq}), it was
     * current at some time in the date's range [low, high); {@code lt}/{@code le} at some time before its low or high,
     * {@code gt}/{@code ge} at some time after its high or low.
     *
     * @param value the parameter as given, for the bundle's links
     */
    public record At(String value, String prefix, Instant low, Instant high) {
    }

    /**
     * A page boundary in newest-first order: a version's time (microseconds), resource key and version. A {@code next}
     * page starts after it (older versions); a {@code previous} page ({@code before}) ends before it (newer versions).
     */
    public record Position(long micros, long resPk, long version, boolean before) {

        static Position of(Instant time, long resPk, long version, boolean before) {
            return new Position(time.getEpochSecond() * 1_000_000 + time.getNano() / 1_000, resPk, version, before);
        }

        Instant time() {
            return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L);
        }

        String token() {
            return (before ? "b" : "") + micros + "_" + resPk + "_" + version;
        }
    }

    public static HistoryQuery parse(Map<String, List<String>> query) {
        for (String name : query.keySet()) {
            if (!ACCEPTED.contains(name)) {
                throw FhirException.badRequest("SG-FHIR-HISTORY-PARAM", "history takes _since, _at, _count and _cursor, not '" + name + "'");
            }
        }
        return new HistoryQuery(since(single(query, "_since")), at(single(query, "_at")), count(single(query, "_count")),
                cursor(single(query, "_cursor")));
    }

    private static At at(String value) {
        if (value == null) {
            return null;
        }
        Matcher prefixed = PREFIXED.matcher(value);
        String prefix = prefixed.matches() ? prefixed.group(1) : "eq";
        String date = prefixed.matches() ? prefixed.group(2) : value;
        DateRanges.Range range;
        try {
            range = DateRanges.of(new DateTimeType(date));
        } catch (RuntimeException e) {
            range = null;
        }
        if (range == null) {
            throw FhirException.badRequest("SG-FHIR-HISTORY-AT", "_at is a date, optionally prefixed by eq, lt, le, gt or ge, like 2024-05-01T10:00:00Z");
        }
        return new At(value, prefix, range.low(), range.high());
    }

    private static Instant since(String value) {
        if (value == null) {
            return null;
        }
        try {
            // full precision for instants (a next link's _since, microseconds included); HAPI's dateTime for the rest
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notAnInstant) {
            // a date or a dateTime without seconds
        }
        try {
            return new DateTimeType(value).getValue().toInstant();
        } catch (RuntimeException e) {
            throw FhirException.badRequest("SG-FHIR-HISTORY-SINCE", "_since must be an instant, like 2024-05-01T10:00:00Z");
        }
    }

    private static int count(String value) {
        if (value == null) {
            return SearchService.DEFAULT_COUNT;
        }
        try {
            return Math.max(1, Math.min(SearchService.MAX_COUNT, Integer.parseInt(value)));
        } catch (NumberFormatException e) {
            throw FhirException.badRequest("SG-FHIR-HISTORY-COUNT", "_count must be a number");
        }
    }

    private static Position cursor(String value) {
        if (value == null) {
            return null;
        }
        Matcher matcher = CURSOR.matcher(value);
        if (!matcher.matches()) {
            throw FhirException.badRequest("SG-FHIR-HISTORY-CURSOR", "_cursor is not a page position this server made");
        }
        try {
            return new Position(Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(3)), Long.parseLong(matcher.group(4)),
                    !matcher.group(1).isEmpty());
        } catch (NumberFormatException e) {
            throw FhirException.badRequest("SG-FHIR-HISTORY-CURSOR", "_cursor is not a page position this server made");
        }
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }
}
