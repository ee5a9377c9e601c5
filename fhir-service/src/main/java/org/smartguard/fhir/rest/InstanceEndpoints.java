package org.smartguard.fhir.rest;

import java.net.URI;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.smartguard.commons.urls.PublicUrls;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.errors.OperationOutcomeMapper;
import org.smartguard.fhir.history.HistoryQuery;
import org.smartguard.fhir.history.HistoryService;
import org.smartguard.fhir.search.SearchParameters;
import org.smartguard.fhir.search.SearchService;
import org.smartguard.fhir.storage.ResourceService;
import org.smartguard.fhir.storage.ResourceVersion;
import org.smartguard.fhir.storage.StoredResource;

/**
 * The instance and type interactions of FHIR's REST API (read, vread, instance and type history, create, update, patch,
 * delete, search by GET and POST, $everything): thin, HTTP in and out; {@link ResourceService}, {@link SearchService}
 * and {@link HistoryService} authorize, work and audit. Bodies may be JSON or XML ({@link FhirFormat}).
 */
@Path("/{type:[A-Z][A-Za-z]+}")
@Produces({OperationOutcomeMapper.FHIR_JSON, "application/json"})
public class InstanceEndpoints {

    private final ResourceService resources;
    private final SearchService search;
    private final HistoryService history;
    private final SearchParameters parameters;
    private final PublicUrls urls;

    InstanceEndpoints(ResourceService resources, SearchService search, HistoryService history, SearchParameters parameters, PublicUrls urls) {
        this.resources = resources;
        this.search = search;
        this.history = history;
        this.parameters = parameters;
        this.urls = urls;
    }

    @GET
    public Response search(@PathParam("type") String type, @Context UriInfo uri, @HeaderParam("Prefer") String prefer) {
        return searchResponse(knownType(type), uri.getQueryParameters(), prefer);
    }

    @POST
    @Path("/_search")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response searchByPost(@PathParam("type") String type, MultivaluedMap<String, String> form, @Context UriInfo uri,
            @HeaderParam("Prefer") String prefer) {
        MultivaluedMap<String, String> all = new MultivaluedHashMap<>(uri.getQueryParameters());
        form.forEach((name, values) -> all.addAll(name, values));
        return searchResponse(knownType(type), all, prefer);
    }

    private Response searchResponse(String type, MultivaluedMap<String, String> query, String prefer) {
        boolean lenient = prefer != null && prefer.replace(" ", "").contains("handling=lenient");
        return FhirResponses.json(search.search(type, query, lenient));
    }

    @GET
    @Path("/{id}/$everything")
    public Response everything(@PathParam("type") String type, @PathParam("id") String id, @Context UriInfo uri) {
        if (!"Patient".equals(type)) {
            throw new FhirException(404, "not-supported", "SG-FHIR-OPERATION", "$everything is offered on Patient only");
        }
        return FhirResponses.json(search.everything(id, uri.getQueryParameters()));
    }

    @GET
    @Path("/{id}")
    public Response read(@PathParam("type") String type, @PathParam("id") String id) {
        StoredResource stored = resources.read(knownType(type), id);
        return FhirResponses.resource(200, stored.json, stored.version, stored.lastUpdated).build();
    }

    @GET
    @Path("/{id}/_history/{version}")
    public Response vread(@PathParam("type") String type, @PathParam("id") String id, @PathParam("version") String version) {
        ResourceVersion found = resources.vread(knownType(type), id, versionNumber(version));
        return FhirResponses.resource(200, found.json, found.version, found.lastUpdated).build();
    }

    @GET
    @Path("/{id}/_history")
    public Response history(@PathParam("type") String type, @PathParam("id") String id, @Context UriInfo uri) {
        return FhirResponses.json(history.instance(knownType(type), id, HistoryQuery.parse(uri.getQueryParameters())));
    }

    @GET
    @Path("/_history")
    public Response typeHistory(@PathParam("type") String type, @Context UriInfo uri) {
        return FhirResponses.json(history.type(knownType(type), HistoryQuery.parse(uri.getQueryParameters())));
    }

    @POST
    @Consumes({OperationOutcomeMapper.FHIR_JSON, "application/json", FhirFormat.FHIR_XML, "application/xml", "text/xml"})
    public Response create(@PathParam("type") String type, String body, @HeaderParam("Content-Type") String contentType,
            @HeaderParam("Prefer") String prefer, @HeaderParam("If-None-Exist") String ifNoneExist) {
        IBaseResource resource = FhirFormat.ofContentType(contentType).parse(body, knownType(type));
        return written(resources.create(type, resource, ifNoneExist), prefer, urls);
    }

    @PUT
    @Path("/{id}")
    @Consumes({OperationOutcomeMapper.FHIR_JSON, "application/json", FhirFormat.FHIR_XML, "application/xml", "text/xml"})
    public Response update(@PathParam("type") String type, @PathParam("id") String id, String body,
            @HeaderParam("Content-Type") String contentType, @HeaderParam("If-Match") String ifMatch, @HeaderParam("Prefer") String prefer) {
        IBaseResource resource = FhirFormat.ofContentType(contentType).parse(body, knownType(type));
        return written(resources.update(type, id, resource, FhirResponses.ifMatchVersion(ifMatch)), prefer, urls);
    }

    @PATCH
    @Path("/{id}")
    @Consumes("application/json-patch+json")
    public Response patch(@PathParam("type") String type, @PathParam("id") String id, String jsonPatch,
            @HeaderParam("If-Match") String ifMatch, @HeaderParam("Prefer") String prefer) {
        return written(resources.patch(knownType(type), id, jsonPatch, FhirResponses.ifMatchVersion(ifMatch)), prefer, urls);
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("type") String type, @PathParam("id") String id) {
        resources.delete(knownType(type), id);
        return Response.noContent().build();
    }

    static Response written(ResourceService.Written written, String prefer, PublicUrls urls) {
        StoredResource stored = written.resource();
        URI location = URI.create(urls.fhirBase() + "/" + stored.resourceType + "/" + stored.resourceId + "/_history/" + stored.version);
        Response.ResponseBuilder response = FhirResponses.resource(written.created() ? 201 : 200, stored.json, stored.version, stored.lastUpdated)
                .location(location);
        String preference = prefer == null ? "" : prefer.replace(" ", "");
        if (preference.contains("return=minimal")) {
            response.entity(null);
        } else if (preference.contains("return=OperationOutcome")) {
            response.entity(OperationOutcomeMapper.information((written.created() ? "created " : "updated ") + stored.resourceType + "/" + stored.resourceId));
        }
        return response.build();
    }

    private String knownType(String type) {
        if (!parameters.isResourceType(type)) {
            throw new FhirException(404, "not-supported", "SG-FHIR-UNKNOWN-TYPE", type + " is not a FHIR R4 resource type");
        }
        return type;
    }

    private static long versionNumber(String version) {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            throw FhirException.badRequest("SG-FHIR-VERSION", "a version id is a number");
        }
    }
}
