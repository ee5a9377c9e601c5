package org.smartguard.fhir.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

import org.hl7.fhir.r4.model.Bundle;
import org.smartguard.commons.fhir.FhirR4;
import org.smartguard.fhir.bundle.BundleProcessor;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.errors.OperationOutcomeMapper;
import org.smartguard.fhir.storage.FhirJson;

/** {@code POST /fhir}: batch and transaction bundles. */
@Path("/")
public class SystemEndpoints {

    private final BundleProcessor bundles;

    SystemEndpoints(BundleProcessor bundles) {
        this.bundles = bundles;
    }

    @POST
    @Consumes({OperationOutcomeMapper.FHIR_JSON, "application/json"})
    @Produces({OperationOutcomeMapper.FHIR_JSON, "application/json"})
    public Response bundle(String body) {
        Bundle bundle = (Bundle) FhirJson.parse(body, "Bundle");
        Bundle response = switch (bundle.getType()) {
            case TRANSACTION -> bundles.transaction(bundle);
            case BATCH -> bundles.batch(bundle);
            default -> throw FhirException.badRequest("SG-FHIR-BUNDLE-TYPE", "POST /fhir takes a batch or transaction bundle");
        };
        return Response.ok(FhirR4.context().newJsonParser().encodeResourceToString(response), OperationOutcomeMapper.FHIR_JSON).build();
    }
}
