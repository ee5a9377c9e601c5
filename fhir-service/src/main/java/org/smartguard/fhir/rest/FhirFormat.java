package org.smartguard.fhir.rest;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.ws.rs.core.MediaType;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.smartguard.fhir.storage.FhirBodies;

/**
 * FHIR's two wire formats and how a request chooses them: the body by its {@code Content-Type}, the answer by
 * {@code _format} (which wins, as FHIR says) or else the first JSON or XML type of {@code Accept}. JSON when nothing
 * says otherwise.
 */
public enum FhirFormat {
    JSON,
    XML;

    public static final String FHIR_XML = "application/fhir+xml";
    private static final Set<String> XML_TYPES = Set.of(FHIR_XML, "application/xml", "text/xml", "application/xml+fhir");
    private static final Set<String> JSON_TYPES = Set.of("application/fhir+json", "application/json", "application/json+fhir");
    private static final Set<String> XML_FORMATS = Set.of("xml", FHIR_XML, "application/xml", "text/xml");

    /** The format of a request body, from its {@code Content-Type} header. */
    public static FhirFormat ofContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return JSON;
        }
        MediaType type;
        try {
            type = MediaType.valueOf(contentType);
        } catch (IllegalArgumentException e) {
            return JSON; // routing has already refused a Content-Type no endpoint consumes
        }
        return XML_TYPES.contains(type.getType() + "/" + type.getSubtype()) ? XML : JSON;
    }

    /**
     * The format the answer should have.
     *
     * @param formatParameter the {@code _format} query parameter, or null
     * @param acceptable      the {@code Accept} header's types, most preferred first
     */
    public static FhirFormat wanted(String formatParameter, List<MediaType> acceptable) {
        if (formatParameter != null && !formatParameter.isBlank()) {
            // a '+' that was not percent-encoded arrives as a space
            return XML_FORMATS.contains(formatParameter.trim().replace(' ', '+').toLowerCase(Locale.ROOT)) ? XML : JSON;
        }
        for (MediaType type : acceptable) {
            String name = type.getType() + "/" + type.getSubtype();
            if (XML_TYPES.contains(name)) {
                return XML;
            }
            if (JSON_TYPES.contains(name)) {
                return JSON;
            }
        }
        return JSON;
    }

    /** Parses a request body strictly in this format. */
    public IBaseResource parse(String body, String expectedType) {
        return this == XML ? FhirBodies.parseXml(body, expectedType) : FhirBodies.parseJson(body, expectedType);
    }
}
