package org.smartguard.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What demo-patient's browser journey (standalone launch, consent, two loads of the record around a token renewal)
 * left in the audit trail: the audit-service holds the sign-in, the consent, the code and the tokens, and every FHIR
 * read twice over (the gateway's decision and the fhir-service's BALP event, joined by the request id), each with the
 * patient, the user, the client and the browser's address; and a reader of the {@code audit-events} topic of its own
 * sees the same events.
 */
@ExtendWith(SharedStack.class)
class JourneyAuditIT {

    private static final Duration STORED_WITHIN = Duration.ofSeconds(90);
    private static final String PATIENT = "Patient/demo-patient";
    private static final String CLIENT = "demo-app";
    /** The auth-service's events of the journey, by outcome description (the code the contract gives each step). */
    private static final List<String> AUTH_STEPS = List.of("login", "consent-granted", "code-issued", "token-issued", "token-refreshed");

    private static E2eStack stack;
    private static Journeys.Run journey;
    private static List<JsonNode> events;

    @BeforeAll
    static void runTheJourneyAndReadItsAuditTrail(E2eStack shared) {
        stack = shared;
        journey = Journeys.standalonePatient(stack);
        int expected = AUTH_STEPS.size() + 2 * fhirRequests().size();
        events = new AuditTrail(stack).awaitEvents("agent=" + Api.encode(PATIENT) + "&date=" + Api.encode("ge" + journey.started()),
                found -> found.size() >= expected, STORED_WITHIN);
    }

    @Test
    void theSignInConsentCodeAndTokensAreAuditedForThePatientUserClientAndBrowserAddress() {
        Map<String, List<JsonNode>> byStep = events.stream().filter(event -> observer(event).equals("auth-service"))
                .collect(Collectors.groupingBy(event -> event.path("outcomeDesc").asText()));
        for (String step : AUTH_STEPS) {
            assertEquals(1, byStep.getOrDefault(step, List.of()).size(), step + " recorded once: " + byStep.keySet());
            JsonNode event = byStep.get(step).get(0);
            assertEquals("0", event.path("outcome").asText(), step);
            assertUserClientAndAddress(event, step);
            if (!step.equals("login")) {
                assertEquals(PATIENT, patientOf(event), step + " names the patient");
            }
        }
        assertEquals("110122", byStep.get("login").get(0).at("/subtype/0/code").asText(), "DICOM Login");
    }

    @Test
    void everyFhirReadOfTheJourneyIsAuditedByTheGatewayAndTheFhirServiceUnderOneRequestId() {
        Map<String, JsonNode> fhirServiceEvents = new HashMap<>();
        List<JsonNode> gatewayEvents = new ArrayList<>();
        for (JsonNode event : events) {
            if (observer(event).equals("fhir-service")) {
                fhirServiceEvents.put(requestId(event), event);
            } else if (observer(event).equals("gateway-service")) {
                gatewayEvents.add(event);
            }
        }
        List<String> forwarded = new ArrayList<>(gatewayEvents.stream().map(JourneyAuditIT::query).toList());
        List<String> requested = new ArrayList<>(fhirRequests());
        forwarded.sort(null);
        requested.sort(null);
        assertEquals(requested, forwarded, "one gateway event per FHIR request the browser made");
        for (JsonNode gateway : gatewayEvents) {
            String request = query(gateway);
            assertEquals("0", gateway.path("outcome").asText(), request);
            assertEquals("forwarded to fhir: 200", gateway.path("outcomeDesc").asText(), request);
            assertEquals(PATIENT, patientOf(gateway), request);
            assertUserClientAndAddress(gateway, request);
            JsonNode served = fhirServiceEvents.get(requestId(gateway));
            assertNotNull(served, "the fhir-service's event of " + request + " carries the gateway's request id");
            assertEquals(request.contains("?") ? "search-type" : "read", served.at("/subtype/0/code").asText(), request);
            assertEquals(PATIENT, patientOf(served), request);
            assertUserClientAndAddress(served, request);
        }
        assertEquals(gatewayEvents.size(), fhirServiceEvents.size(), "no FHIR event without a request through the gateway");
    }

    @Test
    void anIndependentReaderOfTheAuditTopicSeesTheSameEvents() {
        Map<String, JsonNode> stored = events.stream().collect(Collectors.toMap(event -> event.get("id").asText(), event -> event));
        Map<String, JsonNode> published = new HashMap<>();
        try (TopicReader reader = new TopicReader(stack, stack.topic("audit-events"), journey.started())) {
            reader.readUntil(records -> {
                for (ConsumerRecord<String, String> record : records) {
                    JsonNode event = parse(record.value());
                    published.put(event.path("id").asText(), event);
                }
                return published.keySet().containsAll(stored.keySet());
            }, STORED_WITHIN, "the journey's " + stored.size() + " audit events on " + stack.topic("audit-events"));
        }
        for (Map.Entry<String, JsonNode> event : stored.entrySet()) {
            assertEquals(event.getValue(), published.get(event.getKey()), "stored as published: " + event.getKey());
        }
    }

    /** Each FHIR request the browser sent with its token, as the gateway records it ("GET /fhir/..."). */
    private static List<String> fhirRequests() {
        String fhir = stack.gatewayUrl() + "/fhir/";
        List<String> requests = new ArrayList<>();
        journey.result().at("/seen/requests").forEach(request -> {
            String line = request.asText();
            if (line.startsWith("GET " + fhir) && !line.startsWith("GET " + fhir + ".well-known/")) {
                requests.add("GET " + line.substring(("GET " + stack.gatewayUrl()).length()));
            }
        });
        return requests;
    }

    /** The user (requestor, fhirUser), the client demo-app, and the address the browser connected from. */
    private static void assertUserClientAndAddress(JsonNode event, String what) {
        JsonNode user = agent(event, "humanuser");
        assertEquals(PATIENT, user.at("/who/reference").asText(), what + ": the user");
        assertTrue(user.path("requestor").asBoolean(), what + ": the user is the requestor");
        JsonNode client = agent(event, "110153");
        assertEquals(CLIENT, client.at("/who/identifier/value").asText(), what + ": the client");
        assertEquals(browserAddress(), address(client.at("/network/address").asText()), what + ": the browser's address");
    }

    private static JsonNode agent(JsonNode event, String typeCode) {
        for (JsonNode agent : event.path("agent")) {
            for (JsonNode coding : agent.at("/type/coding")) {
                if (coding.path("code").asText().equals(typeCode)) {
                    return agent;
                }
            }
        }
        throw new AssertionError("no " + typeCode + " agent in " + event);
    }

    /** On loopback the browser's address is the one it reached the gateway at (from the token responses). */
    private static InetAddress browserAddress() {
        Set<String> addresses = new HashSet<>();
        journey.result().at("/seen/tokenResponses").forEach(response -> addresses.add(response.path("address").asText()));
        assertEquals(1, addresses.size(), "one address for the journey: " + addresses);
        return address(addresses.iterator().next());
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError("not an address: " + literal, e);
        }
    }

    private static String observer(JsonNode event) {
        return event.at("/source/observer/display").asText();
    }

    private static String patientOf(JsonNode event) {
        for (JsonNode entity : event.path("entity")) {
            if (entity.at("/role/code").asText().equals("1")) {
                return entity.at("/what/reference").asText();
            }
        }
        return null;
    }

    private static String requestId(JsonNode event) {
        for (JsonNode entity : event.path("entity")) {
            if (entity.at("/type/code").asText().equals("XrequestId")) {
                return entity.at("/what/identifier/value").asText();
            }
        }
        throw new AssertionError("no request id in " + event);
    }

    private static String query(JsonNode event) {
        for (JsonNode entity : event.path("entity")) {
            if (entity.at("/role/code").asText().equals("24")) {
                return new String(Base64.getDecoder().decode(entity.get("query").asText()), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no query entity in " + event);
    }

    private static JsonNode parse(String json) {
        try {
            return Api.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON on the audit topic: " + json, e);
        }
    }
}
