package org.smartguard.fhir.history;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * A history bundle, streamed with the stored JSON of each version embedded as is (no parse and re-encode). Each
 * entry says how the version came about: POST (created), PUT or PATCH (updated), DELETE (no resource).
 */
final class HistoryBundle {

    private static final JsonFactory JSON = new JsonFactory();

    private HistoryBundle() {
    }

    /**
     * @param fhirBase the FHIR base URL, for each entry's fullUrl
     * @param base     the history URL the paging links are built on
     * @param total    the number of versions in all pages, or null when not counted
     */
    static String write(String fhirBase, String base, HistoryQuery query, HistoryService.Page page, Long total) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("resourceType", "Bundle");
            json.writeStringField("type", "history");
            if (total != null) {
                json.writeNumberField("total", total);
            }
            json.writeArrayFieldStart("link");
            link(json, "self", base, query, query.cursor());
            link(json, "first", base, query, null);
            if (page.previous() != null) {
                link(json, "previous", base, query, page.previous());
            }
            if (page.next() != null) {
                link(json, "next", base, query, page.next());
            }
            json.writeEndArray();
            json.writeArrayFieldStart("entry");
            for (HistoryService.Version version : page.versions()) {
                entry(json, fhirBase, version);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void entry(JsonGenerator json, String fhirBase, HistoryService.Version version) throws IOException {
        String reference = version.type() + "/" + version.id();
        json.writeStartObject();
        json.writeStringField("fullUrl", fhirBase + "/" + reference);
        if (!version.deleted()) {
            json.writeFieldName("resource");
            json.writeRawValue(version.json());
        }
        json.writeObjectFieldStart("request");
        json.writeStringField("method", version.method());
        json.writeStringField("url", version.method().equals("POST") ? version.type() : reference);
        json.writeEndObject();
        json.writeObjectFieldStart("response");
        json.writeStringField("status", version.deleted() ? "204" : version.version() == 1 ? "201" : "200");
        json.writeStringField("location", reference + "/_history/" + version.version());
        json.writeStringField("etag", "W/\"" + version.version() + "\"");
        json.writeStringField("lastModified", version.lastUpdated().toString());
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void link(JsonGenerator json, String relation, String base, HistoryQuery query, HistoryQuery.Position position)
            throws IOException {
        StringBuilder url = new StringBuilder(base).append("?_count=").append(query.count());
        if (query.since() != null) {
            url.append("&_since=").append(query.since());
        }
        if (query.at() != null) {
            url.append("&_at=").append(URLEncoder.encode(query.at().value(), StandardCharsets.UTF_8));
        }
        if (position != null) {
            url.append("&_cursor=").append(position.token());
        }
        json.writeStartObject();
        json.writeStringField("relation", relation);
        json.writeStringField("url", url.toString());
        json.writeEndObject();
    }
}
