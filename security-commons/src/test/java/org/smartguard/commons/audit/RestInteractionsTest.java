package org.smartguard.commons.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RestInteractionsTest {

    @ParameterizedTest
    @CsvSource({
            "GET, /fhir/Observation, REST_SEARCH",
            "POST, /fhir/Observation/_search, REST_SEARCH",
            "GET, /fhir/Patient/p1, REST_READ",
            "GET, /fhir/Patient/p1/_history, REST_HISTORY",
            "GET, /fhir/Patient/p1/_history/3, REST_VREAD",
            "GET, /fhir/Patient/_history, REST_HISTORY_TYPE",
            "GET, /fhir/_history, REST_HISTORY_SYSTEM",
            "HEAD, /fhir/Patient/p1, REST_READ",
            "GET, /fhir/metadata, REST_OPERATION",
            "POST, /fhir/, REST_OPERATION",
            "DELETE, /fhir/_history, REST_OPERATION",
            "OPTIONS, /fhir/Patient/p1, REST_OPERATION",
            "POST, /fhir/Observation, REST_CREATE",
            "PUT, /fhir/Observation/o1, REST_UPDATE",
            "PATCH, /fhir/Observation/o1, REST_PATCH",
            "DELETE, /fhir/Observation/o1, REST_DELETE",
            "GET, /fhir/Patient/p1/$everything, REST_OPERATION",
            "POST, /fhir, REST_OPERATION",
            "POST, /auth/token, REST_OPERATION",
            "GET, /audit/events, REST_OPERATION"})
    void methodAndPathNameTheInteractionRoughly(String method, String path, AuditEventType expected) {
        assertEquals(expected, RestInteractions.of(method, path, "/fhir"));
    }
}
