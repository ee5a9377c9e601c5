package org.smartguard.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The patient-facing demo app on the official SMART client (fhirclient) in headless Chromium, against a whole stack
 * started by {@code ./suite up}: standalone launch as demo-patient (linked to a Synthea patient) with one scope
 * unticked, token renewal, EHR launch as demo-clinician, and the app's own server.
 */
@ExtendWith(SharedStack.class)
class DemoAppJourneyIT {

    private static E2eStack stack;

    @BeforeAll
    static void useTheSharedStack(E2eStack shared) {
        stack = shared;
    }

    private static JsonNode standaloneJourney() {
        return Journeys.standalonePatient(stack).result();
    }

    @Test
    void patientLaunchesTheAppSharesAllButAllergiesAndSeesTheirOwnRecord() {
        JsonNode journey = standaloneJourney();
        JsonNode shown = journey.get("shown");
        JsonNode held = journey.get("held");

        assertEquals("ready", shown.get("state").asText(), () -> "app error: " + shown.get("appError"));
        assertEquals(stack.appUrl() + "/callback", shown.get("url").asText());
        assertEquals("patient/AllergyIntolerance.rs", unticked(journey.get("consent")), "the one scope unticked on the consent page");
        JsonNode codeExchange = journey.at("/seen/tokenResponses/0");
        assertEquals("authorization_code", codeExchange.get("grant").asText());
        assertEquals(200, codeExchange.get("status").asInt());
        assertEquals("demo-patient", codeExchange.get("patient").asText());
        List<String> granted = List.of(codeExchange.get("scope").asText().split(" "));
        assertFalse(granted.contains("patient/AllergyIntolerance.rs"), "granted: " + granted);
        assertTrue(granted.containsAll(List.of("offline_access", "patient/Patient.rs", "patient/Observation.rs",
                "patient/MedicationRequest.rs")), "granted: " + granted);

        assertEquals(displayName(held.get("patient")), shown.get("name").asText());
        assertEquals(held.at("/patient/birthDate").asText(), shown.get("birthDate").asText());
        assertEquals("Patient/demo-patient", shown.get("signedInAs").asText());
        assertEquals("loaded", shown.at("/medications/state").asText());
        assertEquals(texts(held.get("activeMedications"), "/medicationCodeableConcept/text"), strings(shown.at("/medications/items")));
        assertFalse(strings(shown.at("/medications/items")).isEmpty(), "the demo patient has an active medication");
        assertVitalsMatch(held.get("vitalSigns"), shown.get("vitals"));

        assertFalse(held.get("activeAllergies").isEmpty(), "the server holds allergies for the demo patient");
        assertEquals("not-shared", shown.at("/allergies/state").asText());
        assertTrue(shown.at("/allergies/items").isEmpty());
        assertTrue(shown.at("/allergies/status").asText().startsWith("Not shared"), shown.at("/allergies/status").asText());
        List<String> fhirCalls = strings(journey.at("/seen/requests")).stream()
                .filter(request -> request.startsWith("GET " + stack.gatewayUrl() + "/fhir/")).toList();
        assertTrue(fhirCalls.stream().anyMatch(call -> call.contains("/fhir/MedicationRequest?")), "FHIR calls: " + fhirCalls);
        assertTrue(fhirCalls.stream().noneMatch(call -> call.contains("/fhir/AllergyIntolerance")),
                "the app never asked for allergies: " + fhirCalls);
        assertTrue(Files.isRegularFile(Path.of(journey.get("screenshot").asText())), "screenshot kept as an artifact");
        assertBrowserStayedClean(journey);
    }

    @Test
    void expiredAccessTokenIsRenewedWithTheRefreshTokenBeforeTheNextLoad() {
        JsonNode journey = standaloneJourney();
        JsonNode before = journey.get("shown");
        JsonNode after = journey.get("afterRefresh");

        JsonNode refresh = journey.at("/seen/tokenResponses/1");
        assertEquals("refresh_token", refresh.get("grant").asText());
        assertEquals(200, refresh.get("status").asInt());
        assertTrue(refresh.get("refreshToken").asBoolean(), "a rotated refresh token came back");
        assertEquals(journey.at("/seen/tokenResponses/0/scope").asText(), refresh.get("scope").asText(), "same grant after renewal");
        assertTrue(after.get("expiresAt").asLong() > before.get("expiresAt").asLong());
        assertEquals("ready", after.get("state").asText(), () -> "app error: " + after.get("appError"));
        assertEquals(before.get("name"), after.get("name"));
        assertEquals(before.get("medications"), after.get("medications"));
        assertEquals("not-shared", after.at("/allergies/state").asText());
        assertEquals(2, journey.at("/seen/tokenResponses").size(), "one code exchange, one renewal");
        assertBrowserStayedClean(journey);
    }

    @Test
    void clinicianEhrLaunchShowsTheLaunchedPatientAndACraftedLaunchLinkIsRefused() {
        JsonNode journey = BrowserJourney.run(stack, "ehr-clinician");
        JsonNode shown = journey.get("shown");
        JsonNode held = journey.get("held");

        JsonNode crafted = journey.get("crafted");
        assertTrue(crafted.get("url").asText().startsWith(stack.appUrl() + "/launch.html?iss=https%3A%2F%2Fattacker.invalid"),
                "the app stayed put: " + crafted.get("url").asText());
        assertTrue(crafted.get("error").asText().startsWith("This app only connects to " + stack.gatewayUrl() + "/fhir"),
                crafted.get("error").asText());

        assertEquals("ready", shown.get("state").asText(), () -> "app error: " + shown.get("appError"));
        assertEquals(journey.get("patientId").asText(), journey.at("/seen/tokenResponses/0/patient").asText());
        assertEquals(displayName(held.get("patient")), shown.get("name").asText());
        assertEquals(held.at("/patient/birthDate").asText(), shown.get("birthDate").asText());
        assertEquals("Practitioner/demo-clinician", shown.get("signedInAs").asText());
        assertEquals(texts(held.get("activeMedications"), "/medicationCodeableConcept/text"), strings(shown.at("/medications/items")));
        assertEquals(List.of("Metformin 500 mg tablet"), strings(shown.at("/medications/items")));
        assertEquals("empty", shown.at("/allergies/state").asText(), "shared, and nothing recorded");
        assertEquals("empty", shown.at("/vitals/state").asText());
        assertTrue(Files.isRegularFile(Path.of(journey.get("screenshot").asText())));
        assertBrowserStayedClean(journey);
    }

    @Test
    void appServerServesOnlyItsOwnFilesUnderAStrictContentSecurityPolicy() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> config = get(http, "/config.js");
        assertEquals(200, config.statusCode());
        assertTrue(config.body().contains("\"fhirBaseUrl\":\"" + stack.gatewayUrl() + "/fhir\""), config.body());
        assertTrue(config.body().contains("\"redirectUri\":\"" + stack.appUrl() + "/callback\""), config.body());
        String policy = config.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("script-src 'self'") && policy.contains("default-src 'none'")
                && policy.contains("connect-src " + stack.gatewayUrl()), policy);
        assertEquals(Optional.of("no-referrer"), config.headers().firstValue("Referrer-Policy"));

        for (String path : List.of("/server.mjs", "/package.json", "/../package.json", "/public/app.js", "/node_modules/fhirclient/package.json",
                "/%2e%2e/server.mjs", "/vendor/../server.mjs")) {
            HttpResponse<String> refused = get(http, path);
            assertEquals(404, refused.statusCode(), path);
            assertFalse(refused.body().contains("import"), path);
        }
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + "/callback"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        HttpResponse<String> otherHost = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + E2eStack.DEMO_APP_PORT
                + "/launch.html")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(308, otherHost.statusCode(), "sent to the origin the redirect URI is registered for");
        assertEquals(Optional.of(stack.appUrl() + "/launch.html"), otherHost.headers().firstValue("Location"));
    }

    private static HttpResponse<String> get(HttpClient http, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** No script error, no Content-Security-Policy violation, no request to any host but the app and the gateway. */
    private static void assertBrowserStayedClean(JsonNode journey) {
        assertEquals(List.of(), strings(journey.at("/seen/pageErrors")));
        assertEquals(List.of(), strings(journey.at("/seen/consoleErrors")));
        assertEquals(List.of(), strings(journey.at("/seen/blocked")));
    }

    /**
     * Each vital sign's chart shows the latest value the server holds for it, with one point per value: body weight
     * and heart rate as observations of their own, blood pressure as Synthea writes it (the 85354-9 panel with
     * systolic and diastolic components) or as two observations.
     */
    private static void assertVitalsMatch(JsonNode held, JsonNode shown) {
        assertEquals("loaded", shown.get("state").asText());
        assertVital(shown, "weight", List.of("29463-7"), held);
        assertVital(shown, "heart-rate", List.of("8867-4"), held);
        assertVital(shown, "blood-pressure", List.of("8480-6", "8462-4"), held);
    }

    private static void assertVital(JsonNode shown, String vital, List<String> loincs, JsonNode held) {
        JsonNode chart = null;
        for (JsonNode candidate : shown.get("charts")) {
            if (candidate.get("vital").asText().equals(vital)) {
                chart = candidate;
            }
        }
        assertTrue(chart != null, vital + " is charted: " + shown);
        List<String> latest = new ArrayList<>();
        String unit = null;
        String date = null;
        int points = 0;
        for (String loinc : loincs) {
            List<Value> values = values(held, loinc);
            assertFalse(values.isEmpty(), "the server holds " + loinc + " values");
            Value last = values.stream().max(Comparator.comparing(Value::date)).orElseThrow();
            latest.add(last.quantity().get("value").numberValue().toString());
            unit = unit == null ? last.quantity().path("unit").asText(last.quantity().path("code").asText()) : unit;
            date = date == null ? last.date().substring(0, 10) : date;
            points += values.size();
        }
        assertEquals(String.join("/", latest) + " " + unit, chart.get("latest").asText(), vital);
        assertEquals(date, chart.get("date").asText(), vital);
        assertEquals(points, chart.get("points").asInt(), vital);
    }

    /** A dated quantity of one LOINC code, from an observation's value or one of its components. */
    private record Value(String date, JsonNode quantity) {
    }

    private static List<Value> values(JsonNode observations, String loinc) {
        List<Value> values = new ArrayList<>();
        for (JsonNode observation : observations) {
            String date = observation.path("effectiveDateTime").asText();
            if (hasLoinc(observation.get("code"), loinc) && observation.has("valueQuantity")) {
                values.add(new Value(date, observation.get("valueQuantity")));
            }
            for (JsonNode component : observation.path("component")) {
                if (hasLoinc(component.get("code"), loinc) && component.has("valueQuantity")) {
                    values.add(new Value(date, component.get("valueQuantity")));
                }
            }
        }
        return values;
    }

    private static boolean hasLoinc(JsonNode concept, String code) {
        for (JsonNode coding : concept.path("coding")) {
            if (coding.path("system").asText().equals("http://loinc.org") && coding.path("code").asText().equals(code)) {
                return true;
            }
        }
        return false;
    }

    /** The official name (else the first): its text, or prefixes, given names and family name, as the app shows it. */
    static String displayName(JsonNode patient) {
        JsonNode name = patient.at("/name/0");
        for (JsonNode candidate : patient.path("name")) {
            if (candidate.path("use").asText().equals("official")) {
                name = candidate;
                break;
            }
        }
        if (name.has("text")) {
            return name.get("text").asText();
        }
        List<String> parts = strings(name.path("prefix"));
        parts.addAll(strings(name.path("given")));
        parts.add(name.path("family").asText());
        return String.join(" ", parts);
    }

    private static String unticked(JsonNode consent) {
        List<String> unticked = new ArrayList<>();
        consent.forEach(box -> {
            if (!box.get("ticked").asBoolean()) {
                unticked.add(box.get("scope").asText());
            }
        });
        return String.join(" ", unticked);
    }

    private static List<String> texts(JsonNode resources, String pointer) {
        List<String> texts = new ArrayList<>();
        resources.forEach(resource -> texts.add(resource.at(pointer).asText()));
        return texts;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
