package org.smartguard.commons.audit;

/**
 * The BALP interaction of a FHIR REST request from its method and path alone: what the gateway records for a request
 * it forwards or refuses (it does not parse FHIR), and what the fhir-service records for a request it refuses before
 * knowing more. Anything that is not plainly a FHIR REST interaction ({@code $operations}, {@code metadata}, bundles,
 * the auth and audit APIs) is an operation.
 */
public final class RestInteractions {

    private RestInteractions() {
    }

    /**
     * @param method     the HTTP method, upper case
     * @param fhirPrefix the path the FHIR API is served under, e.g. {@code /fhir}
     */
    public static AuditEventType of(String method, String path, String fhirPrefix) {
        if (!path.startsWith(fhirPrefix + "/") || path.contains("$")) {
            return AuditEventType.REST_OPERATION;
        }
        String[] segments = path.substring(fhirPrefix.length() + 1).split("/");
        if (segments[0].equals("_history")) {
            return segments.length == 1 && reads(method) ? AuditEventType.REST_HISTORY_SYSTEM : AuditEventType.REST_OPERATION;
        }
        if (segments[0].isEmpty() || !Character.isUpperCase(segments[0].charAt(0))) {
            return AuditEventType.REST_OPERATION;
        }
        boolean search = segments.length == 2 && segments[1].equals("_search");
        boolean typeHistory = segments.length == 2 && segments[1].equals("_history");
        boolean history = segments.length >= 3 && segments[2].equals("_history");
        return switch (method) {
            case "GET", "HEAD" -> segments.length == 1 || search ? AuditEventType.REST_SEARCH
                    : typeHistory ? AuditEventType.REST_HISTORY_TYPE
                    : segments.length == 2 ? AuditEventType.REST_READ
                    : history ? (segments.length == 4 ? AuditEventType.REST_VREAD : AuditEventType.REST_HISTORY) : AuditEventType.REST_OPERATION;
            case "POST" -> search ? AuditEventType.REST_SEARCH : segments.length == 1 ? AuditEventType.REST_CREATE : AuditEventType.REST_OPERATION;
            case "PUT" -> AuditEventType.REST_UPDATE;
            case "PATCH" -> AuditEventType.REST_PATCH;
            case "DELETE" -> AuditEventType.REST_DELETE;
            default -> AuditEventType.REST_OPERATION;
        };
    }

    private static boolean reads(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }
}
