package org.smartguard.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The audit-service's done-when: demo-clinician reading 60 different patients within a minute raises a snooping
 * alert (the rule's default: more than 50 distinct patients in 10 minutes), which an independent reader sees on the
 * {@code security-alerts} topic and security staff see in the alerts API and on the dashboard. The stack's population
 * is two patients, so a backend service first adds 60 small ones in one transaction.
 */
@ExtendWith(SharedStack.class)
class SnoopingAlertIT {

    private static final int PATIENTS = 60;
    private static final int THRESHOLD = 50;
    private static final Duration ALERT_WITHIN = Duration.ofSeconds(120);
    private static final String CLINICIAN = "demo-clinician";

    private static E2eStack stack;

    @BeforeAll
    static void useTheSharedStack(E2eStack shared) {
        stack = shared;
    }

    @Test
    void readingSixtyPatientsAsDemoClinicianWithinAMinuteRaisesOneSnoopingAlertOnTheTopicTheApiAndTheDashboard() {
        Instant start = Instant.now();
        List<String> patients = createPatients();

        JsonNode signedIn = UserLogin.signIn(stack, CLINICIAN, "openid fhirUser user/Patient.rs");
        assertEquals(stack.gatewayUrl() + "/fhir/Practitioner/" + CLINICIAN, fhirUser(signedIn), "demo-clinician is the linked practitioner");
        String token = signedIn.get("access_token").asText();
        for (String id : patients) {
            HttpResponse<String> read = Api.get(stack.gatewayUrl() + "/fhir/Patient/" + id, token);
            assertEquals(200, read.statusCode(), "Patient/" + id + ": " + read.body());
        }

        JsonNode alert;
        try (TopicReader reader = new TopicReader(stack, stack.topic("security-alerts"), start)) {
            List<ConsumerRecord<String, String>> records = reader.readUntil(read -> read.stream().anyMatch(SnoopingAlertIT::isClinicianSnooping),
                    ALERT_WITHIN, "a snooping alert for " + CLINICIAN + " on " + stack.topic("security-alerts"));
            List<JsonNode> alerts = records.stream().map(record -> parse(record.value())).filter(SnoopingAlertIT::isClinicianSnooping).toList();
            assertEquals(1, alerts.size(), "one incident, one alert: " + alerts);
            alert = alerts.get(0);
        }
        assertEquals("high", alert.get("severity").asText());
        assertEquals(THRESHOLD, alert.get("threshold").asInt(), "the rule's default threshold");
        assertTrue(alert.get("count").asInt() > THRESHOLD, "more than " + THRESHOLD + " distinct patients: " + alert);
        assertFalse(alert.get("evidence").isEmpty(), "evidence event ids");

        String alertId = alert.get("alertId").asText();
        AuditTrail audit = new AuditTrail(stack);
        JsonNode stored = org.awaitility.Awaitility.await("alert " + alertId + " stored").atMost(ALERT_WITHIN)
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> find(audit.alerts("rule=snooping&status=open").get("alerts"), alertId), found -> found != null);
        assertEquals(alert.get("subject").asText(), stored.get("subject").asText());
        assertEquals(alert.get("evidence"), stored.get("evidence"));
        for (JsonNode evidence : stored.get("evidence")) {
            List<JsonNode> event = audit.search("_id=" + evidence.asText());
            assertEquals(1, event.size(), "evidence event " + evidence.asText() + " is stored");
            assertTrue(event.get(0).toString().contains("Practitioner/" + CLINICIAN), "evidence of the clinician's reads");
        }

        HttpResponse<String> dashboard = Api.send(Api.request(stack.gatewayUrl() + "/audit/dashboard",
                BackendServices.reusableToken(stack, AuditTrail.STAFF_SCOPE)).setHeader("Accept", "text/html"));
        assertEquals(200, dashboard.statusCode());
        assertTrue(dashboard.body().contains("<td class=\"subject\">" + alert.get("subject").asText() + "</td>"),
                "the dashboard lists the alert");
        JsonNode browser = BrowserJourney.run(stack, "audit-dashboard");
        assertEquals(stack.gatewayUrl() + "/audit/dashboard", browser.get("url").asText());
        List<JsonNode> shown = new ArrayList<>();
        browser.get("alerts").forEach(row -> {
            if (row.get("rule").asText().equals("snooping") && row.get("subject").asText().equals(alert.get("subject").asText())) {
                shown.add(row);
            }
        });
        assertEquals(1, shown.size(), "a security officer's browser shows the alert: " + browser.get("alerts"));
        assertEquals(stored.get("evidence").size(), shown.get(0).get("evidence").size());
        assertTrue(Files.isRegularFile(Path.of(browser.get("screenshot").asText())), "screenshot kept as an artifact");
        assertEquals(List.of(), strings(browser.at("/seen/consoleErrors")), "no CSP violation or script error");
    }

    /** 60 small patients in one transaction through HAPI's client, as an integration engine loads a batch. */
    private static List<String> createPatients() {
        String batch = UUID.randomUUID().toString().substring(0, 8);
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < PATIENTS; i++) {
            Patient patient = new Patient();
            patient.addName().setFamily("Snooped-" + batch).addGiven("Number" + i);
            transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(patient)
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        }
        Bundle response = FhirClients.withToken(stack, BackendServices.token(stack, "system/Patient.cs"))
                .transaction().withBundle(transaction).execute();
        List<String> ids = response.getEntry().stream()
                .map(entry -> new IdType(entry.getResponse().getLocation()).getIdPart()).distinct().toList();
        assertEquals(PATIENTS, ids.size(), "60 patients created");
        return ids;
    }

    private static boolean isClinicianSnooping(ConsumerRecord<String, String> record) {
        return isClinicianSnooping(parse(record.value()));
    }

    private static boolean isClinicianSnooping(JsonNode alert) {
        return alert.path("rule").asText().equals("snooping") && alert.path("subject").asText().equals("user:" + CLINICIAN);
    }

    private static JsonNode find(JsonNode alerts, String alertId) {
        for (JsonNode alert : alerts) {
            if (alert.get("alertId").asText().equals(alertId)) {
                return alert;
            }
        }
        return null;
    }

    private static String fhirUser(JsonNode tokenResponse) {
        String payload = tokenResponse.get("id_token").asText().split("\\.")[1];
        return parse(new String(java.util.Base64.getUrlDecoder().decode(payload), java.nio.charset.StandardCharsets.UTF_8))
                .get("fhirUser").asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static JsonNode parse(String json) {
        try {
            return Api.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
