package org.smartguard.fhir.search;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.smartguard.commons.fhir.FhirR4;

import ca.uhn.fhir.parser.IParser;

/**
 * How much of each resource a bundle entry shows: all of it (the stored JSON as is, no parsing), or the subset that
 * {@code _summary=true|text|data} or {@code _elements} ask for. Subsets are re-encoded by HAPI's parser, which keeps
 * the mandatory elements, id and meta, and tags the resource SUBSETTED as the spec requires.
 */
final class EntryView {

    private static final EntryView FULL = new EntryView(null, null, List.of());

    private final SearchControls.Summary summary;
    private final String type;
    private final List<String> elements;

    private EntryView(SearchControls.Summary summary, String type, List<String> elements) {
        this.summary = summary;
        this.type = type;
        this.elements = elements;
    }

    static EntryView of(String type, SearchControls controls) {
        boolean subsetted = !controls.elements().isEmpty()
                || (controls.summary() != SearchControls.Summary.FALSE && controls.summary() != SearchControls.Summary.COUNT);
        return subsetted ? new EntryView(controls.summary(), type, controls.elements()) : FULL;
    }

    /**
     * @param match whether the entry is a match: {@code _elements} names elements of the searched type, so included
     *              resources stay whole; {@code _summary} applies to every entry
     */
    String render(String json, boolean match) {
        if (this == FULL || (!elements.isEmpty() && !match)) {
            return json;
        }
        IParser parser = FhirR4.context().newJsonParser();
        IBaseResource resource = parser.parseResource(json);
        IParser encoder = FhirR4.context().newJsonParser();
        if (!elements.isEmpty()) {
            Set<String> encode = new LinkedHashSet<>();
            elements.forEach(element -> encode.add(type + "." + element));
            encode.add("*.(mandatory)");
            encoder.setEncodeElements(encode);
        } else {
            switch (summary) {
                case TRUE -> encoder.setSummaryMode(true);
                case TEXT -> encoder.setEncodeElements(Set.of("*.text", "*.id", "*.meta", "*.(mandatory)"));
                case DATA -> encoder.setSuppressNarratives(true);
                default -> throw new IllegalStateException("not a subsetting summary: " + summary);
            }
        }
        return encoder.encodeResourceToString(resource);
    }
}
