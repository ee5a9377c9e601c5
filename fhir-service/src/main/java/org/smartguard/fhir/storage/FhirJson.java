package org.smartguard.fhir.storage;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.smartguard.commons.fhir.FhirR4;
import org.smartguard.fhir.errors.FhirException;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;

/** Strict JSON parsing of incoming resources (unknown elements and wrong types are errors that say where). */
public final class FhirJson {

    private FhirJson() {
    }

    public static IBaseResource parse(String body, String expectedType) {
        if (body == null || body.isBlank()) {
            throw FhirException.badRequest("SG-FHIR-EMPTY", "the request has no resource");
        }
        IBaseResource resource;
        try {
            resource = parser().parseResource(body);
        } catch (DataFormatException e) {
            throw FhirException.badRequest("SG-FHIR-PARSE", "the resource could not be parsed: " + e.getMessage());
        }
        String type = FhirR4.context().getResourceType(resource);
        if (!type.equals(expectedType)) {
            throw FhirException.badRequest("SG-FHIR-TYPE-MISMATCH", "the body is a " + type + ", the URL names " + expectedType);
        }
        return resource;
    }

    public static String encode(IBaseResource resource) {
        return parser().encodeResourceToString(resource);
    }

    private static IParser parser() {
        return FhirR4.context().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    }
}
