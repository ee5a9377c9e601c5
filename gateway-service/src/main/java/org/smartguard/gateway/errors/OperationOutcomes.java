package org.smartguard.gateway.errors;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The gateway's one way to refuse: a FHIR OperationOutcome with a stable code that also goes into the audit
 * event. Built without HAPI: the gateway runs on the event loop and the outcome is three fields.
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
        JsonObject outcome = new JsonObject()
                .put("resourceType", "OperationOutcome")
                .put("issue", new JsonArray().add(new JsonObject()
                        .put("severity", "error")
                        .put("code", issueType)
                        .put("details", new JsonObject().put("text", code))
                        .put("diagnostics", message)));
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, FHIR_JSON)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(outcome.encode());
    }
}
