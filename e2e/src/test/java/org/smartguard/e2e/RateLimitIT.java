package org.smartguard.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The gateway's per-patient limit (100 requests a minute by default): the 101st request for one patient within the
 * minute is refused with 429 and Retry-After before it reaches the FHIR server, and the refusal is an audit event.
 */
@ExtendWith(SharedStack.class)
class RateLimitIT {

    private static final int LIMIT = 100;
    private static final Duration AUDITED_WITHIN = Duration.ofSeconds(90);

    private static E2eStack stack;

    @BeforeAll
    static void useTheSharedStack(E2eStack shared) {
        stack = shared;
    }

    @Test
    void theHundredAndFirstRequestForOnePatientInAMinuteGets429WithRetryAfterAndARateLimitAuditEvent() {
        Instant start = Instant.now();
        // a patient of this test's own, so no other request spends its budget (a POST names no patient: not counted)
        String token = BackendServices.token(stack, "system/Patient.cruds");
        JsonNode created = Api.json(Api.postJson(stack.gatewayUrl() + "/fhir/Patient", token, Map.of("resourceType", "Patient",
                "name", List.of(Map.of("family", "Ratelimit-" + UUID.randomUUID().toString().substring(0, 8))))), 201);
        String url = stack.gatewayUrl() + "/fhir/Patient/" + created.get("id").asText();

        for (int i = 1; i <= LIMIT; i++) {
            HttpResponse<String> read = Api.get(url, token);
            assertEquals(200, read.statusCode(), "request " + i + " of the minute: " + read.body());
            assertEquals(String.valueOf(LIMIT - i), read.headers().firstValue("RateLimit-Remaining").orElse(""), "request " + i);
        }
        HttpResponse<String> refused = Api.get(url, token);

        assertEquals(429, refused.statusCode(), refused.body());
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElse("-1"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After within the minute: " + retryAfter);
        JsonNode outcome = Api.json(refused, 429);
        assertEquals("OperationOutcome", outcome.get("resourceType").asText());
        assertFalse(refused.body().contains("Ratelimit-"), "nothing of the patient in the refusal");

        String patient = "Patient/" + created.get("id").asText();
        List<JsonNode> events = new AuditTrail(stack).awaitEvents("entity=" + Api.encode(patient) + "&date=" + Api.encode("ge" + start),
                found -> found.stream().anyMatch(RateLimitIT::isRateLimited) && reads(found) >= LIMIT, AUDITED_WITHIN);
        List<JsonNode> limited = events.stream().filter(RateLimitIT::isRateLimited).toList();
        assertEquals(1, limited.size(), "one refusal, one event");
        JsonNode event = limited.get(0);
        assertEquals("gateway-service", event.at("/source/observer/display").asText());
        assertEquals("4", event.path("outcome").asText(), "a minor failure");
        assertTrue(event.toString().contains("\"HTTP-Status\",\"valueString\":\"429\""), "the status the caller got: " + event);
        assertEquals(LIMIT, reads(events), "the fhir-service served exactly the admitted requests");
    }

    private static boolean isRateLimited(JsonNode event) {
        return event.at("/subtype/0/code").asText().equals("rate-limited");
    }

    private static long reads(List<JsonNode> events) {
        return events.stream().filter(event -> event.at("/source/observer/display").asText().equals("fhir-service")
                && event.at("/subtype/0/code").asText().equals("read")).count();
    }
}
