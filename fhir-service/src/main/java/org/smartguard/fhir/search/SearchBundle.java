package org.smartguard.fhir.search;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes a searchset Bundle: {@code self}, {@code first}, {@code previous} and {@code next} links that repeat the
 * search with a page cursor, then the matches ({@code search.mode=match}) and included resources
 * ({@code search.mode=include}). Stored JSON is embedded as is unless the view subsets it.
 */
final class SearchBundle {

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * @param base       the search URL without query ({@code .../fhir/Observation})
     * @param parameters what every link repeats (filters and shaping controls, not _count or _cursor)
     */
    record Links(String base, Map<String, List<String>> parameters, int count) {

        String to(PageCursor cursor) {
            List<String> parts = new ArrayList<>(List.of(queryString(parameters)));
            parts.removeIf(String::isEmpty);
            parts.add("_count=" + count);
            if (cursor != null) {
                parts.add("_cursor=" + cursor.encode());
            }
            return base + "?" + String.join("&", parts);
        }
    }

    private SearchBundle() {
    }

    static String write(String fhirBase, Links links, SortOrder order, PageCursor self, KeysetPager.Page page,
            List<String> included, EntryView view, Long total) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("resourceType", "Bundle");
            json.writeStringField("type", "searchset");
            if (total != null) {
                json.writeNumberField("total", total);
            }
            json.writeArrayFieldStart("link");
            link(json, "self", links.to(self));
            link(json, "first", links.to(null));
            if (page.hasPrevious() && !page.rows().isEmpty()) {
                link(json, "previous", links.to(KeysetPager.previous(order, page)));
            }
            if (page.hasNext() && !page.rows().isEmpty()) {
                link(json, "next", links.to(KeysetPager.next(order, page)));
            }
            json.writeEndArray();
            json.writeArrayFieldStart("entry");
            for (KeysetPager.Row row : page.rows()) {
                entry(json, fhirBase, view.render(row.json(), true), "match");
            }
            for (String resource : included) {
                entry(json, fhirBase, view.render(resource, false), "include");
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void entry(JsonGenerator json, String fhirBase, String resource, String mode) throws IOException {
        json.writeStartObject();
        json.writeStringField("fullUrl", fhirBase + "/" + resourceReference(resource));
        json.writeFieldName("resource");
        json.writeRawValue(resource);
        json.writeObjectFieldStart("search");
        json.writeStringField("mode", mode);
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void link(JsonGenerator json, String relation, String url) throws IOException {
        json.writeStartObject();
        json.writeStringField("relation", relation);
        json.writeStringField("url", url);
        json.writeEndObject();
    }

    /** {@code Type/id} of a resource's JSON, which starts {"resourceType":"X","id":"..." (HAPI's order). */
    private static String resourceReference(String json) {
        int type = json.indexOf("\"resourceType\":\"") + 16;
        int id = json.indexOf("\"id\":\"") + 6;
        return json.substring(type, json.indexOf('"', type)) + "/" + json.substring(id, json.indexOf('"', id));
    }

    /** The parameters as a query string, without the page position ({@code _count}, {@code _cursor}). */
    static String queryString(Map<String, List<String>> parameters) {
        List<String> parts = new ArrayList<>();
        parameters.forEach((name, values) -> {
            if (!name.equals("_count") && !name.equals("_cursor")) {
                values.forEach(value -> parts.add(encode(name) + "=" + encode(value)));
            }
        });
        return String.join("&", parts);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
