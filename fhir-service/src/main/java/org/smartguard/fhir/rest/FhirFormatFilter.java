package org.smartguard.fhir.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.smartguard.commons.fhir.FhirR4;
import org.smartguard.fhir.errors.OperationOutcomeMapper;

/**
 * Serves FHIR XML to clients that ask for it, in one place: every endpoint produces FHIR JSON; when the request
 * wants XML ({@link FhirFormat#wanted}), its {@code Accept} is narrowed to JSON before routing and the JSON answer
 * (resource, bundle or OperationOutcome, errors included) is re-encoded as XML on the way out. Request bodies are
 * parsed in their own format by the endpoints ({@link FhirFormat#parse}).
 */
public class FhirFormatFilter {

    private static final String WANTS_XML = FhirFormatFilter.class.getName() + ".wantsXml";
    private static final MediaType FHIR_JSON = MediaType.valueOf(OperationOutcomeMapper.FHIR_JSON);
    private static final MediaType FHIR_XML = MediaType.valueOf(FhirFormat.FHIR_XML + ";charset=UTF-8");

    /** Non-blocking (it only reads and sets headers): Quarkus runs the non-blocking {@code BearerTokenFilter} only after such filters. */
    @ServerRequestFilter(preMatching = true, nonBlocking = true)
    public void negotiate(ContainerRequestContext request) {
        String format = request.getUriInfo().getQueryParameters().getFirst("_format");
        boolean xml = FhirFormat.wanted(format, request.getAcceptableMediaTypes()) == FhirFormat.XML;
        if (xml) {
            request.setProperty(WANTS_XML, Boolean.TRUE);
        }
        if (xml || format != null) {
            // _format overrides Accept; either way the endpoints produce JSON and encode() turns it into XML
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, OperationOutcomeMapper.FHIR_JSON);
        }
    }

    @ServerResponseFilter
    public void encode(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(WANTS_XML) == null || !(response.getEntity() instanceof String json) || json.isEmpty()
                || response.getMediaType() == null || !response.getMediaType().isCompatible(FHIR_JSON)) {
            return;
        }
        String xml = FhirR4.context().newXmlParser().encodeResourceToString(FhirR4.context().newJsonParser().parseResource(json));
        response.setEntity(xml, null, FHIR_XML);
    }
}
