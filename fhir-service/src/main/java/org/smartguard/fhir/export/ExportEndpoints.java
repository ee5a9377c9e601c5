package org.smartguard.fhir.export;

import java.net.URI;
import java.util.Date;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.smartguard.commons.urls.PublicUrls;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.errors.OperationOutcomeMapper;

/**
 * Bulk Data Access ({@code $export}, IG v2.0): the kick-offs ({@code /$export}, {@code /Patient/$export},
 * {@code /Group/{id}/$export}, by GET with query parameters or POST with a {@code Parameters} body), the status URL
 * ({@code /$export-status/{job}}: poll with GET, cancel or delete with DELETE) and the output files
 * ({@code /$export-file/{job}/{name}}). All under {@code /fhir}, so the gateway routes them like any FHIR request,
 * and all need the bearer token (the files too: {@code requiresAccessToken} is true). Thin: {@link ExportKickoff}
 * and {@link ExportResults} authorize, work and audit.
 *
 * <p>One resource class per path: JAX-RS matches the class path first, and {@code /Patient/$export} would otherwise
 * be taken by the instance endpoints' {@code /{type}} (as a read of id {@code $export}) and {@code /$export} by the
 * other {@code /} class.
 */
public final class ExportEndpoints {

    public static final String NDJSON = "application/fhir+ndjson";

    private ExportEndpoints() {
    }

    @Path("/$export")
    @Produces({OperationOutcomeMapper.FHIR_JSON, "application/json"})
    public static class SystemLevel extends KickOffResource {
        SystemLevel(KickOff kickOff) {
            super(kickOff, ExportLevel.SYSTEM);
        }
    }

    @Path("/Patient/$export")
    @Produces({OperationOutcomeMapper.FHIR_JSON, "application/json"})
    public static class PatientLevel extends KickOffResource {
        PatientLevel(KickOff kickOff) {
            super(kickOff, ExportLevel.PATIENT);
        }
    }

    @Path("/Group/{id}/$export")
    @Produces({OperationOutcomeMapper.FHIR_JSON, "application/json"})
    public static class GroupLevel extends KickOffResource {
        GroupLevel(KickOff kickOff) {
            super(kickOff, ExportLevel.GROUP);
        }
    }

    /**
     * The GET and POST of a kick-off, the same at every level; a level's subclass only gives its path and level
     * (one class per path, see above). The group's id is read from the path's {@code {id}} by {@link KickOff}.
     */
    public abstract static class KickOffResource {

        private final KickOff kickOff;
        private final ExportLevel level;

        KickOffResource(KickOff kickOff, ExportLevel level) {
            this.kickOff = kickOff;
            this.level = level;
        }

        @GET
        public Response get(@Context UriInfo uri, @HeaderParam("Prefer") String prefer) {
            return kickOff.start(level, uri, null, prefer);
        }

        @POST
        @Consumes({OperationOutcomeMapper.FHIR_JSON, "application/json"})
        public Response post(@Context UriInfo uri, String body, @HeaderParam("Prefer") String prefer) {
            return kickOff.start(level, uri, body, prefer);
        }
    }

    @Path("/$export-status/{job}")
    @Produces({OperationOutcomeMapper.FHIR_JSON, "application/json"})
    public static class Status {

        private final ExportResults results;
        private final ExportConfig config;

        Status(ExportResults results, ExportConfig config) {
            this.results = results;
            this.config = config;
        }

        /** 202 with {@code X-Progress} while queued or running; 200 with the manifest; 500 if it failed. */
        @GET
        public Response poll(@PathParam("job") String job) {
            ExportResults.Status status = results.status(job);
            if (status instanceof ExportResults.Running running) {
                return Response.accepted()
                        .header("X-Progress", running.progress())
                        .header("Retry-After", Math.max(1, config.retryAfter().toSeconds()))
                        .build();
            }
            if (status instanceof ExportResults.Failed failed) {
                throw new FhirException(500, "exception", "SG-FHIR-EXPORT-FAILED", failed.reason() == null ? "the export failed" : failed.reason());
            }
            ExportResults.Complete complete = (ExportResults.Complete) status;
            return Response.ok(complete.manifest(), MediaType.APPLICATION_JSON_TYPE).expires(Date.from(complete.expires())).build();
        }

        @DELETE
        public Response cancel(@PathParam("job") String job) {
            results.cancel(job);
            return Response.accepted(OperationOutcomeMapper.information("export " + job + " cancelled; its files are deleted"))
                    .type(OperationOutcomeMapper.FHIR_JSON).build();
        }
    }

    @Path("/$export-file/{job}/{name}")
    @Produces({NDJSON, "application/ndjson", OperationOutcomeMapper.FHIR_JSON, "application/json"})
    public static class Files {

        private final ExportResults results;

        Files(ExportResults results) {
            this.results = results;
        }

        /** Streamed from the file (never read into memory), as {@code application/fhir+ndjson}. */
        @GET
        public Response download(@PathParam("job") String job, @PathParam("name") String name) {
            return Response.ok(results.download(job, name).path().toFile(), NDJSON).build();
        }
    }

    /** What the three kick-offs share: {@code Prefer}, the parameters, the manifest's request URL, the 202. */
    @jakarta.enterprise.context.ApplicationScoped
    static class KickOff {

        private final ExportKickoff kickoff;
        private final ExportWorker worker;
        private final PublicUrls urls;

        KickOff(ExportKickoff kickoff, ExportWorker worker, PublicUrls urls) {
            this.kickoff = kickoff;
            this.worker = worker;
            this.urls = urls;
        }

        Response start(ExportLevel level, UriInfo uri, String body, String prefer) {
            String preference = prefer == null ? "" : prefer.replace(" ", "");
            if (!preference.contains("respond-async")) {
                throw FhirException.badRequest("SG-FHIR-EXPORT-PREFER", "$export runs asynchronously: send Prefer: respond-async");
            }
            boolean lenient = preference.contains("handling=lenient");
            boolean byPost = body != null && !body.isBlank();
            // only the Group kick-off's path has an {id}; the other levels have no group
            String groupId = level == ExportLevel.GROUP ? uri.getPathParameters().getFirst("id") : null;
            ExportParameters parameters = byPost ? ExportParameters.fromBody(body, lenient) : ExportParameters.fromQuery(uri.getQueryParameters(), lenient);
            String path = switch (level) {
                case SYSTEM -> "/$export";
                case PATIENT -> "/Patient/$export";
                case GROUP -> "/Group/" + groupId + "/$export";
            };
            String query = uri.getRequestUri().getRawQuery();
            // the manifest's request: the kick-off URL; a POST's parameters are in its body, not in this URL
            String request = urls.fhirBase() + path + (byPost || query == null ? "" : "?" + query);
            UUID id = kickoff.start(level, groupId, parameters, lenient, request);
            worker.wake();
            return Response.accepted(OperationOutcomeMapper.information("export accepted; poll the Content-Location for its status"))
                    .type(OperationOutcomeMapper.FHIR_JSON)
                    .header("Content-Location", URI.create(ExportResults.statusUrl(urls, id)))
                    .build();
        }
    }
}
