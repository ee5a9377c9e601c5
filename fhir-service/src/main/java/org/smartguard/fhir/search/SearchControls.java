package org.smartguard.fhir.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.smartguard.fhir.errors.FhirException;

/**
 * The parameters that steer a search rather than filter it: page size and position, order, totals, what each entry
 * shows ({@code _summary}, {@code _elements}) and what is included with the matches.
 */
record SearchControls(int count, PageCursor cursor, SortOrder sort, Total total, Summary summary, List<String> elements,
        List<IncludeSpec> includes, Map<String, List<String>> echoed) {

    static final int DEFAULT_COUNT = 20;
    static final int MAX_COUNT = 1000;

    private static final Set<String> NAMES = Set.of("_count", "_cursor", "_total", "_summary", "_format", "_pretty", "_sort",
            "_elements", "_include", "_revinclude");
    /** What the links of a page repeat besides the filters, _count and _cursor: everything that shapes the page. */
    private static final Set<String> ECHOED = Set.of("_sort", "_total", "_summary", "_elements", "_include", "_revinclude");

    enum Total {
        NONE, ESTIMATE, ACCURATE
    }

    enum Summary {
        FALSE, TRUE, TEXT, DATA, COUNT
    }

    static boolean isControl(String key) {
        return NAMES.contains(key) || key.startsWith("_include:") || key.startsWith("_revinclude:");
    }

    static SearchControls parse(String type, Map<String, List<String>> query, SearchParameters parameters) {
        SortOrder sort = SortOrder.parse(type, single(query, "_sort"), parameters);
        Summary summary = choice(Summary.class, "_summary", single(query, "_summary"), Summary.FALSE);
        List<String> elements = elements(type, single(query, "_elements"));
        if (!elements.isEmpty() && summary != Summary.FALSE) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-ELEMENTS", "_elements and _summary cannot be combined");
        }
        List<IncludeSpec> includes = new ArrayList<>();
        Map<String, List<String>> echoed = new LinkedHashMap<>();
        query.forEach((key, values) -> {
            if (key.startsWith("_include") || key.startsWith("_revinclude")) {
                values.forEach(value -> includes.add(IncludeSpec.parse(type, key, value, parameters)));
            }
            if (ECHOED.contains(key) || key.startsWith("_include:") || key.startsWith("_revinclude:")) {
                echoed.put(key, values);
            }
        });
        return new SearchControls(count(query), PageCursor.decode(single(query, "_cursor"), sort),
                sort, choice(Total.class, "_total", single(query, "_total"), Total.NONE), summary, elements, includes, echoed);
    }

    /** Page size and position only, for {@code $everything}. */
    static SearchControls paging(Map<String, List<String>> query) {
        return new SearchControls(count(query), PageCursor.decode(single(query, "_cursor"), SortOrder.NONE), SortOrder.NONE,
                Total.NONE, Summary.FALSE, List.of(), List.of(), Map.of());
    }

    boolean countOnly() {
        return summary == Summary.COUNT;
    }

    private static int count(Map<String, List<String>> query) {
        String value = single(query, "_count");
        if (value == null) {
            return DEFAULT_COUNT;
        }
        try {
            return Math.max(0, Math.min(MAX_COUNT, Integer.parseInt(value)));
        } catch (NumberFormatException e) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-COUNT", "_count must be a number");
        }
    }

    /** Element names of the type, checked against its definition: a typo is an error, not a silently empty entry. */
    private static List<String> elements(String type, String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        var definition = org.smartguard.commons.fhir.FhirR4.context().getResourceDefinition(type);
        List<String> names = new ArrayList<>();
        for (String name : value.split(",")) {
            String element = name.trim();
            if (definition.getChildByName(element) == null && definition.getChildByName(element + "[x]") == null) {
                throw FhirException.badRequest("SG-FHIR-SEARCH-ELEMENTS", type + " has no element '" + element + "'");
            }
            names.add(element);
        }
        return names;
    }

    private static <E extends Enum<E>> E choice(Class<E> choices, String name, String value, E absent) {
        if (value == null) {
            return absent;
        }
        try {
            return Enum.valueOf(choices, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-CONTROL", "unsupported " + name + " value '" + value + "'");
        }
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }
}
