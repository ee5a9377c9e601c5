package org.smartguard.fhir.rest;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.errors.OperationOutcomeMapper;

/** How resources go out: FHIR JSON with a weak ETag of the version and Last-Modified. */
final class FhirResponses {

    private FhirResponses() {
    }

    /** HTTP's IMF-fixdate; java.time's formatter is thread-safe, unlike the SimpleDateFormat behind lastModified(Date). */
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    static Response.ResponseBuilder resource(int status, String json, long version, Instant lastUpdated) {
        return Response.status(status)
                .type(OperationOutcomeMapper.FHIR_JSON)
                .header(HttpHeaders.ETAG, "W/\"" + version + "\"")
                .header(HttpHeaders.LAST_MODIFIED, HTTP_DATE.format(lastUpdated))
                .entity(json);
    }

    /** A FHIR JSON answer built elsewhere (a bundle). */
    static Response json(String json) {
        return Response.ok(json, OperationOutcomeMapper.FHIR_JSON).build();
    }

    /** The version an {@code If-Match: W/"3"} names, or null without the header. */
    static Long ifMatchVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return null;
        }
        String value = ifMatch.trim();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        value = value.replace("\"", "");
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw FhirException.badRequest("SG-FHIR-IF-MATCH", "If-Match must name a version, like W/\"3\"");
        }
    }
}
