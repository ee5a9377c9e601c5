package org.smartguard.audit.export;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.jboss.logging.Logger;
import org.smartguard.audit.access.AuditApiConfig;
import org.smartguard.audit.access.AuditApiException;
import org.smartguard.audit.access.CallerContext;
import org.smartguard.audit.search.AuditEventCriteria;
import org.smartguard.audit.search.AuditEventSearch;
import org.smartguard.audit.search.FhirDateRange;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /audit/export?since=..&until=..}: every event recorded in {@code [since, until)} as NDJSON (one
 * AuditEvent per line, oldest first) for a SIEM, streamed from a database cursor so memory stays constant however
 * long the range. {@code since} and {@code until} are FHIR dates or instants; {@code until} defaults to now.
 */
@Path("/export")
public class ExportResource {

    public static final String NDJSON = "application/fhir+ndjson";
    private static final Logger LOG = Logger.getLogger(ExportResource.class);

    private final AuditEventSearch search;
    private final CallerContext callers;
    private final AuditApiConfig config;
    private final ObjectMapper json;

    ExportResource(AuditEventSearch search, CallerContext callers, AuditApiConfig config, ObjectMapper json) {
        this.search = search;
        this.callers = callers;
        this.config = config;
        this.json = json;
    }

    @GET
    @Blocking
    public Response export(@QueryParam("since") String since, @QueryParam("until") String until) {
        callers.staff();
        if (since == null) {
            throw AuditApiException.badParameter("since is required (a FHIR date or instant)");
        }
        Instant from = FhirDateRange.parse(since).start();
        Instant to = until == null ? Instant.now() : FhirDateRange.parse(until).start();
        if (!from.isBefore(to)) {
            throw AuditApiException.badParameter("since must be before until");
        }
        StreamingOutput body = output -> {
            Writer out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8));
            try {
                search.stream(AuditEventCriteria.recordedBetween(from, to), config.exportFetchSize(), event -> {
                    out.write(oneLine(event.json()));
                    out.write('\n');
                });
                out.flush();
            } catch (java.sql.SQLException e) {
                // the status is already sent: the cut-off stream is what the client sees, the cause stays here
                LOG.error("audit export failed mid-stream", e);
                throw new java.io.IOException("export failed", e);
            }
        };
        return Response.ok(body, NDJSON)
                .header("Content-Disposition", "attachment; filename=\"audit-events.ndjson\"")
                .header("Cache-Control", "no-store")
                .build();
    }

    /** The stored JSON, re-written compactly only when a producer sent it over several lines. */
    private String oneLine(String stored) throws java.io.IOException {
        return stored.indexOf('\n') < 0 && stored.indexOf('\r') < 0 ? stored : json.writeValueAsString(json.readTree(stored));
    }
}
