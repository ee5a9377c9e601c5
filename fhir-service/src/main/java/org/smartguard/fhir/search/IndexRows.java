package org.smartguard.fhir.search;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What a resource contributes to the search index tables and to patient compartments. */
public final class IndexRows {

    public record StringRow(String name, String normalized, String exact) {
    }

    public record TokenRow(String name, String system, String code, String text) {
    }

    public record DateRow(String name, Instant low, Instant high) {
    }

    public record ReferenceRow(String name, String targetType, String targetId) {
    }

    public record QuantityRow(String name, BigDecimal value, String system, String code) {
    }

    public record NumberRow(String name, BigDecimal value) {
    }

    public record UriRow(String name, String value) {
    }

    public final List<StringRow> strings = new ArrayList<>();
    public final List<TokenRow> tokens = new ArrayList<>();
    public final List<DateRow> dates = new ArrayList<>();
    public final List<ReferenceRow> references = new ArrayList<>();
    public final List<QuantityRow> quantities = new ArrayList<>();
    public final List<NumberRow> numbers = new ArrayList<>();
    public final List<UriRow> uris = new ArrayList<>();
    /** Patients whose compartment holds the resource. */
    public final Set<String> compartmentPatients = new LinkedHashSet<>();
    /**
     * The parts of composite parameters, one entry per repetition of a composite's base element: its rows are stored
     * with the entry's index as their group number, so a composite search can pair parts of the same repetition.
     */
    public final List<IndexRows> compositeGroups = new ArrayList<>();

    /** The number of index rows (not counting compartments or composite groups). */
    int size() {
        return strings.size() + tokens.size() + dates.size() + references.size() + quantities.size() + numbers.size() + uris.size();
    }
}
