package org.smartguard.audit.search;

import java.io.IOException;
import java.io.StringWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.smartguard.audit.access.AuditApiConfig;
import org.smartguard.audit.access.AuditApiException;
import org.smartguard.audit.access.AuditCaller;
import org.smartguard.audit.access.AuditRole;
import org.smartguard.audit.access.CallerContext;
import org.smartguard.audit.api.AuditErrorMapper;
import org.smartguard.audit.api.QueryParameters;
import org.smartguard.commons.urls.PublicUrls;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /audit/AuditEvent}: a FHIR search over the stored events answered as a searchset Bundle, newest first
 * ({@code _sort=-date}, or {@code _sort=date}), {@code _count} per page with keyset {@code next} links; and
 * {@code GET /audit/AuditEvent/{id}}. Security staff see the events as stored; a patient's token sees its own
 * record's events in {@link PatientView}.
 */
@Path("/AuditEvent")
public class AuditEventResource {

    private static final JsonFactory JSON = new JsonFactory();

    private final AuditEventSearch search;
    private final CallerContext callers;
    private final AuditApiConfig config;
    private final String baseUrl;

    AuditEventResource(AuditEventSearch search, CallerContext callers, AuditApiConfig config, PublicUrls urls) {
        this.search = search;
        this.callers = callers;
        this.config = config;
        this.baseUrl = urls.base() + "/audit/AuditEvent";
    }

    @GET
    @Blocking
    @Produces(AuditErrorMapper.FHIR_JSON)
    public String search(@Context UriInfo uri) throws SQLException, IOException {
        AuditCaller caller = callers.caller();
        QueryParameters parameters = new QueryParameters(uri.getQueryParameters());
        String sort = parameters.single("_sort");
        if (sort != null && !sort.equals("-date") && !sort.equals("date")) {
            throw AuditApiException.badParameter("_sort is -date (the default) or date");
        }
        String cursor = parameters.single(QueryParameters.CURSOR);
        AuditEventSearch.Page page = search.page(AuditEventCriteria.of(parameters.all(), caller), !"date".equals(sort),
                cursor == null ? null : PageCursor.parse(cursor), parameters.count(config.defaultPageSize(), config.maxPageSize()));
        return bundle(page, caller, parameters.link(baseUrl, null),
                page.next() == null ? null : parameters.link(baseUrl, page.next().encode()));
    }

    @GET
    @Path("{id}")
    @Blocking
    @Produces(AuditErrorMapper.FHIR_JSON)
    public Response read(@PathParam("id") String id) throws SQLException {
        AuditCaller caller = callers.caller();
        List<StoredEvent> found;
        try {
            found = search.page(AuditEventCriteria.of(Map.of("_id", List.of(id)), caller), true, null, 1).events();
        } catch (AuditApiException e) {
            // a malformed id names no event: the same answer as an unknown one
            found = List.of();
        }
        if (found.isEmpty()) {
            // a patient asking for another record's event learns nothing more than that it is not theirs to see
            throw AuditApiException.notFound("AuditEvent/" + FhirDateRange.shorten(id) + " is not known");
        }
        return Response.ok(view(found.get(0), caller)).type(AuditErrorMapper.FHIR_JSON).build();
    }

    private String bundle(AuditEventSearch.Page page, AuditCaller caller, String self, String next) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("resourceType", "Bundle");
            json.writeStringField("type", "searchset");
            json.writeStringField("timestamp", Instant.now().toString());
            json.writeArrayFieldStart("link");
            link(json, "self", self);
            if (next != null) {
                link(json, "next", next);
            }
            json.writeEndArray();
            // FHIR JSON has no empty arrays: a page without matches has no entry at all
            if (!page.events().isEmpty()) {
                json.writeArrayFieldStart("entry");
            }
            for (StoredEvent event : page.events()) {
                json.writeStartObject();
                json.writeStringField("fullUrl", baseUrl + "/" + event.id());
                json.writeFieldName("resource");
                // stored JSON was validated as an AuditEvent on ingest: written as is, not re-serialized
                json.writeRawValue(view(event, caller));
                json.writeObjectFieldStart("search");
                json.writeStringField("mode", "match");
                json.writeEndObject();
                json.writeEndObject();
            }
            if (!page.events().isEmpty()) {
                json.writeEndArray();
            }
            json.writeEndObject();
        }
        return out.toString();
    }

    private static String view(StoredEvent event, AuditCaller caller) {
        return caller.role() == AuditRole.PATIENT ? PatientView.of(event.json()) : event.json();
    }

    private static void link(JsonGenerator json, String relation, String url) throws IOException {
        json.writeStartObject();
        json.writeStringField("relation", relation);
        json.writeStringField("url", url);
        json.writeEndObject();
    }
}
