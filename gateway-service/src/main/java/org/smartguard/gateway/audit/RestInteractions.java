package org.smartguard.gateway.audit;

import org.smartguard.commons.audit.AuditEventType;

import io.vertx.core.http.HttpMethod;

/**
 * A rough BALP interaction for a forwarded request, from method and path alone: the gateway does not parse FHIR,
 * and the fhir-service records the precise interaction in its own event. Anything that is not plainly a FHIR
 * REST interaction ({@code $operations}, the auth and audit APIs) is an operation.
 */
final class RestInteractions {

    private RestInteractions() {
    }

    static AuditEventType of(HttpMethod method, String path, String fhirPrefix) {
        if (!path.startsWith(fhirPrefix + "/") || path.contains("$")) {
            return AuditEventType.REST_OPERATION;
        }
        String[] segments = path.substring(fhirPrefix.length() + 1).split("/");
        boolean history = segments.length >= 3 && segments[2].equals("_history");
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            if (segments.length == 1) {
                return AuditEventType.REST_SEARCH;
            }
            if (segments.length == 2) {
                return segments[1].equals("_search") ? AuditEventType.REST_SEARCH : AuditEventType.REST_READ;
            }
            return history ? (segments.length == 4 ? AuditEventType.REST_VREAD : AuditEventType.REST_HISTORY) : AuditEventType.REST_OPERATION;
        }
        if (method == HttpMethod.POST) {
            return segments.length == 2 && segments[1].equals("_search") ? AuditEventType.REST_SEARCH
                    : segments.length == 1 ? AuditEventType.REST_CREATE : AuditEventType.REST_OPERATION;
        }
        if (method == HttpMethod.PUT) {
            return AuditEventType.REST_UPDATE;
        }
        if (method == HttpMethod.PATCH) {
            return AuditEventType.REST_PATCH;
        }
        if (method == HttpMethod.DELETE) {
            return AuditEventType.REST_DELETE;
        }
        return AuditEventType.REST_OPERATION;
    }
}
