package org.smartguard.fhir.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.hl7.fhir.r4.model.Bundle;
import org.smartguard.commons.fhir.FhirR4;
import org.smartguard.fhir.bundle.BundleProcessor;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.errors.OperationOutcomeMapper;
import org.smartguard.fhir.history.HistoryQuery;
import org.smartguard.fhir.history.HistoryService;

/** {@code POST /fhir}: batch and transaction bundles; {@code GET /fhir/_history}: system history. */
@Path("/")
@Produces({OperationOutcomeMapper.FHIR_JSON, "application/json"})
public class SystemEndpoints {

    private final BundleProcessor bundles;
    private final HistoryService history;

    SystemEndpoints(BundleProcessor bundles, HistoryService history) {
        this.bundles = bundles;
        this.history = history;
    }

    @POST
    @Consumes({OperationOutcomeMapper.FHIR_JSON, "application/json", FhirFormat.FHIR_XML, "application/xml", "text/xml"})
    public Response bundle(String body, @HeaderParam("Content-Type") String contentType) {
        Bundle bundle = (Bundle) FhirFormat.ofContentType(contentType).parse(body, "Bundle");
        Bundle response = switch (bundle.getType()) {
            case TRANSACTION -> bundles.transaction(bundle);
            case BATCH -> bundles.batch(bundle);
            default -> throw FhirException.badRequest("SG-FHIR-BUNDLE-TYPE", "POST /fhir takes a batch or transaction bundle");
        };
        return FhirResponses.json(FhirR4.context().newJsonParser().encodeResourceToString(response));
    }

    @GET
    @Path("/_history")
    public Response history(@Context UriInfo uri) {
        return FhirResponses.json(history.system(HistoryQuery.parse(uri.getQueryParameters())));
    }
}
