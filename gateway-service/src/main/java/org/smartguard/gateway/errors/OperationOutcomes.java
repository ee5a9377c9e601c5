package org.smartguard.gateway.errors;

import org.smartguard.commons.json.JsonStrings;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * The gateway's one way to refuse: a FHIR OperationOutcome with a stable code that also goes into the audit
 * event. Written by hand, without HAPI or Jackson: it is written on the event loop, and Jackson's first use loads
 * its classes there (2.4 s with the event loop blocked, on a loaded two-core machine, for the first refusal).
 */
public final class OperationOutcomes {

    public static final String FHIR_JSON = "application/fhir+json";

    private OperationOutcomes() {
    }

    /**
     * @param issueType FHIR issue-type code (invalid, security, not-found, transient, timeout, throttled, ...)
     * @param code      the gateway's stable refusal code, e.g. {@code SG-GW-PATH}
     * @param message   a sentence for humans; never echoes the request's secrets
     */
    public static void send(HttpServerResponse response, int status, String issueType, String code, String message) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        StringBuilder outcome = new StringBuilder(160 + message.length())
                .append("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":");
        JsonStrings.quote(outcome, issueType).append(",\"details\":{\"text\":");
        JsonStrings.quote(outcome, code).append("},\"diagnostics\":");
        JsonStrings.quote(outcome, message).append("}]}");
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, FHIR_JSON)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(outcome.toString());
    }
}
