package org.smartguard.e2e;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The audit-service's query API through the gateway, as security staff: a system/AuditEvent.rs token of demo-backend
 * (the way a SIEM reads it). Events reach the store through Kafka, so checks wait for them with a deadline.
 */
final class AuditTrail {

    static final String STAFF_SCOPE = "system/AuditEvent.rs";
    /** Between two searches while waiting: each search is a request through the gateway, which counts them. */
    private static final Duration POLL = Duration.ofSeconds(2);

    private final E2eStack stack;

    AuditTrail(E2eStack stack) {
        this.stack = stack;
    }

    /** Every AuditEvent the search finds (all pages), as stored. */
    List<JsonNode> search(String query) {
        List<JsonNode> events = new ArrayList<>();
        String url = stack.gatewayUrl() + "/audit/AuditEvent?" + query;
        while (url != null) {
            JsonNode bundle = Api.json(Api.get(url, BackendServices.reusableToken(stack, STAFF_SCOPE)), 200);
            bundle.path("entry").forEach(entry -> events.add(entry.get("resource")));
            url = null;
            for (JsonNode link : bundle.path("link")) {
                if (link.path("relation").asText().equals("next")) {
                    url = link.get("url").asText();
                }
            }
        }
        return events;
    }

    /** Searches until the events found satisfy DONE, within the deadline. */
    List<JsonNode> awaitEvents(String query, Predicate<List<JsonNode>> done, Duration atMost) {
        return await("audit events " + query).atMost(atMost).pollInterval(POLL).until(() -> search(query), done);
    }

    /** The alerts API's answer (a JSON list of alerts) for the query. */
    JsonNode alerts(String query) {
        return Api.json(Api.get(stack.gatewayUrl() + "/audit/alerts?" + query, BackendServices.reusableToken(stack, STAFF_SCOPE)), 200);
    }
}
