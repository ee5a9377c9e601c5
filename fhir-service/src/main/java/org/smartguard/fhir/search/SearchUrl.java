package org.smartguard.fhir.search;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.smartguard.fhir.errors.FhirException;

/** A search written as a relative URL, {@code Type?name=value&...}, as conditional interactions and references use. */
public record SearchUrl(String type, Map<String, List<String>> query) {

    /**
     * Whether {@code url} is a relative search ({@code Type?...}), not an absolute URL; the query may itself hold
     * URLs, as in Synthea's {@code Organization?identifier=https://github.com/synthetichealth/synthea|...}.
     */
    public static boolean isSearch(String url) {
        int mark = url == null ? -1 : url.indexOf('?');
        return mark > 0 && url.substring(0, mark).matches("[A-Z][A-Za-z]+");
    }

    /** @param url {@code Type?query}, or just {@code query} when {@code defaultType} is given */
    public static SearchUrl parse(String url, String defaultType) {
        int mark = url.indexOf('?');
        String type = mark < 0 ? defaultType : url.substring(0, mark);
        String queryString = mark < 0 ? url : url.substring(mark + 1);
        if (type == null || !type.matches("[A-Z][A-Za-z]+") || queryString.isBlank()) {
            throw FhirException.badRequest("SG-FHIR-CONDITIONAL", "a conditional search must look like Type?name=value");
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String pair : queryString.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }
        return new SearchUrl(type, query);
    }
}
