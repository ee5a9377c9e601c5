package org.smartguard.fhir.history;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smartguard.fhir.TestResources.CATEGORIES;
import static org.smartguard.fhir.TestResources.FHIR_JSON;
import static org.smartguard.fhir.TestResources.create;
import static org.smartguard.fhir.TestResources.observation;
import static org.smartguard.fhir.TestResources.patient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.testing.AuditTopic;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * History at the three levels: newest first, deletions as DELETE entries, keyset pages whose next links neither skip
 * nor repeat a version while others write, {@code _since} and {@code _count}, and the token's compartment and
 * granular filters applied inside the query.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class HistoryTest {

    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");

    @ConfigProperty(name = "smartguard.audit.topic")
    String auditTopic;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private Instant start;
    private String mine;
    private String theirs;

    @BeforeEach
    void twoPatients() {
        start = Instant.now();
        mine = create(ADMIN, "Patient", patient("Mine"));
        theirs = create(ADMIN, "Patient", patient("Theirs"));
    }

    /** One page of a history bundle, fetched by a path relative to the server. */
    private static JsonPath page(String token, String path) {
        return given().auth().oauth2(token).when().get(path).then().statusCode(200).body("type", is("history")).extract().jsonPath();
    }

    /** Follows next links from a first page, returning every entry as {@code method Type/id/_history/n}. */
    private static List<String> allEntries(String token, String firstPath, Runnable betweenPages) {
        List<String> entries = new ArrayList<>();
        String path = firstPath;
        while (path != null) {
            JsonPath page = page(token, path);
            List<Map<String, Object>> found = page.getList("entry");
            for (int i = 0; i < found.size(); i++) {
                entries.add(page.getString("entry[" + i + "].request.method") + " " + page.getString("entry[" + i + "].response.location"));
            }
            String next = page.getString("link.find { it.relation == 'next' }.url");
            path = next == null ? null : next.substring(next.indexOf("/fhir/"));
            betweenPages.run();
        }
        return entries;
    }

    private static String put(String type, String id, String json) {
        given().auth().oauth2(ADMIN).contentType(FHIR_JSON).body(json).when().put("/fhir/" + type + "/" + id).then().statusCode(200);
        return id;
    }

    @Test
    void typeHistoryPagesNewestFirstWithDeletionsAndNoVersionSkippedWhileOthersWrite() {
        List<String> observations = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            observations.add(create(ADMIN, "Observation", observation(mine, "vital-signs")));
        }
        put("Observation", observations.get(0), observation(observations.get(0), mine, "laboratory"));
        put("Observation", observations.get(0), observation(observations.get(0), mine, "vital-signs"));
        given().auth().oauth2(ADMIN).when().delete("/fhir/Observation/" + observations.get(1)).then().statusCode(204);

        List<String> written = new ArrayList<>();
        List<String> entries = allEntries(ADMIN, "/fhir/Observation/_history?_since=" + start + "&_count=3",
                () -> written.add(create(ADMIN, "Observation", observation(mine, "vital-signs"))));

        assertEquals(8, entries.size(), "5 creates, 2 updates and a delete, each once: " + entries);
        assertEquals(8, new HashSet<>(entries).size());
        assertEquals("DELETE Observation/" + observations.get(1) + "/_history/2", entries.get(0), "newest first");
        assertEquals("PUT Observation/" + observations.get(0) + "/_history/3", entries.get(1));
        assertEquals("POST Observation/" + observations.get(0) + "/_history/1", entries.get(entries.size() - 1));
        assertTrue(written.stream().noneMatch(id -> entries.stream().anyMatch(entry -> entry.contains(id))),
                "versions written after the first page are newer than every page and never appear in later ones");
    }

    @Test
    void aDeletedVersionIsAnEntryWithoutAResource() {
        String id = create(ADMIN, "Observation", observation(mine, "vital-signs"));
        given().auth().oauth2(ADMIN).when().delete("/fhir/Observation/" + id).then().statusCode(204);
        JsonPath history = page(ADMIN, "/fhir/Observation/" + id + "/_history");
        assertEquals(2, history.getInt("total"));
        assertEquals("DELETE", history.getString("entry[0].request.method"));
        assertEquals("Observation/" + id, history.getString("entry[0].request.url"));
        assertNull(history.get("entry[0].resource"));
        assertEquals("W/\"2\"", history.getString("entry[0].response.etag"));
        assertEquals("POST", history.getString("entry[1].request.method"));
        assertEquals(id, history.getString("entry[1].resource.id"));
    }

    @Test
    void instanceHistoryPagesAndHonoursSinceAndCount() {
        String id = create(ADMIN, "Observation", observation(mine, "vital-signs"));
        Instant afterTwo = null;
        for (int version = 2; version <= 5; version++) {
            put("Observation", id, observation(id, mine, version % 2 == 0 ? "laboratory" : "vital-signs"));
            if (version == 2) {
                afterTwo = Instant.now();
            }
        }
        JsonPath first = page(ADMIN, "/fhir/Observation/" + id + "/_history?_count=2");
        assertEquals(5, first.getInt("total"));
        assertEquals(List.of("5", "4"), first.getList("entry.resource.meta.versionId"));
        assertEquals(List.of("PUT Observation/" + id + "/_history/5", "PUT Observation/" + id + "/_history/4",
                "PUT Observation/" + id + "/_history/3", "PUT Observation/" + id + "/_history/2", "POST Observation/" + id + "/_history/1"),
                allEntries(ADMIN, "/fhir/Observation/" + id + "/_history?_count=2", () -> { }));

        JsonPath since = page(ADMIN, "/fhir/Observation/" + id + "/_history?_since=" + afterTwo);
        assertEquals(3, since.getInt("total"), "versions 3, 4 and 5 were written after _since");
        assertEquals(List.of("5", "4", "3"), since.getList("entry.resource.meta.versionId"));
        assertTrue(since.getString("link.find { it.relation == 'self' }.url").contains("_since=" + afterTwo));
    }

    @Test
    void systemHistoryListsEveryTypeTheTokenMaySearch() {
        String practitioner = create(ADMIN, "Practitioner", "{\"resourceType\":\"Practitioner\"}");
        String observation = create(ADMIN, "Observation", observation(mine, "vital-signs"));
        List<String> entries = allEntries(ADMIN, "/fhir/_history?_since=" + start + "&_count=2", () -> { });
        assertEquals(Set.of("POST Patient/" + mine + "/_history/1", "POST Patient/" + theirs + "/_history/1",
                "POST Practitioner/" + practitioner + "/_history/1", "POST Observation/" + observation + "/_history/1"), Set.copyOf(entries));
        assertEquals(4, entries.size());

        List<String> observationsOnly = allEntries(TestAuthority.systemToken("system/Observation.s"), "/fhir/_history?_since=" + start, () -> { });
        assertEquals(List.of("POST Observation/" + observation + "/_history/1"), observationsOnly);
    }

    @Test
    void aPatientTokensHistoryHoldsOnlyItsCompartmentDeletionsIncluded() {
        String myVitals = create(ADMIN, "Observation", observation(mine, "vital-signs"));
        String myLab = create(ADMIN, "Observation", observation(mine, "laboratory"));
        String theirVitals = create(ADMIN, "Observation", observation(theirs, "vital-signs"));
        given().auth().oauth2(ADMIN).when().delete("/fhir/Observation/" + myVitals).then().statusCode(204);
        String practitioner = create(ADMIN, "Practitioner", "{\"resourceType\":\"Practitioner\"}");
        String token = TestAuthority.patientToken(mine, "patient/*.rs");

        assertEquals(List.of("DELETE Observation/" + myVitals + "/_history/2", "POST Observation/" + myLab + "/_history/1",
                "POST Observation/" + myVitals + "/_history/1"), allEntries(token, "/fhir/Observation/_history?_since=" + start, () -> { }));
        List<String> system = allEntries(token, "/fhir/_history?_since=" + start + "&_count=2", () -> { });
        assertEquals(Set.of("POST Practitioner/" + practitioner + "/_history/1", "DELETE Observation/" + myVitals + "/_history/2",
                "POST Observation/" + myLab + "/_history/1", "POST Observation/" + myVitals + "/_history/1", "POST Patient/" + mine + "/_history/1"),
                Set.copyOf(system), "types outside the Patient compartment hold no patient's data and are listed");
        assertFalse(system.stream().anyMatch(entry -> entry.contains(theirs) || entry.contains(theirVitals)));

        String labOnly = TestAuthority.patientToken(mine, "patient/Observation.rs?category=" + CATEGORIES + "|laboratory");
        assertEquals(List.of("POST Observation/" + myLab + "/_history/1"),
                allEntries(labOnly, "/fhir/Observation/_history?_since=" + start, () -> { }));
        assertEquals(List.of("POST Observation/" + myLab + "/_history/1"), allEntries(labOnly, "/fhir/_history?_since=" + start, () -> { }));
        given().auth().oauth2(token).when().get("/fhir/Observation/" + theirVitals + "/_history").then().statusCode(404);
    }

    @Test
    void typeHistoryIsAuditedWithThePatientsItReturned() {
        create(ADMIN, "Observation", observation(mine, "vital-signs"));
        String jti = java.util.UUID.randomUUID().toString();
        String token = TestAuthority.token("patient/Observation.rs", Map.of("patient", mine, "jti", jti));
        page(token, "/fhir/Observation/_history?_since=" + start);
        List<ConsumerRecord<String, String>> events = AuditTopic.await(bootstrap, auditTopic, 1,
                record -> mine.equals(record.key()) && record.value().contains(jti));
        AuditEvent event = new AuditEventCodec().decode(events.get(0).value());
        assertEquals("history-type", event.getSubtypeFirstRep().getCode());
    }

    @Test
    void previousLinksWalkBackOverTheSamePagesWhileOthersWrite() {
        for (int i = 0; i < 7; i++) {
            create(ADMIN, "Observation", observation(mine, "vital-signs"));
        }
        List<JsonPath> forward = new ArrayList<>();
        String path = "/fhir/Observation/_history?_since=" + start + "&_count=3";
        while (path != null) {
            JsonPath page = page(ADMIN, path);
            forward.add(page);
            path = relative(page, "next");
        }
        assertEquals(3, forward.size(), "7 versions in pages of 3");
        assertNull(relative(forward.get(0), "previous"), "the first page has nothing newer");

        List<String> written = new ArrayList<>();
        JsonPath current = forward.get(2);
        for (int back = 1; back >= 0; back--) {
            written.add(create(ADMIN, "Observation", observation(mine, "vital-signs")));
            current = page(ADMIN, relative(current, "previous"));
            assertEquals(locations(forward.get(back)), locations(current), "a previous page holds the versions just newer than its successor");
            assertEquals(locations(forward.get(back + 1)), locations(page(ADMIN, relative(current, "next"))));
        }
        // walking on from the first page finds exactly what was written meanwhile, newest first
        JsonPath newer = page(ADMIN, relative(current, "previous"));
        assertEquals(List.of("Observation/" + written.get(1) + "/_history/1", "Observation/" + written.get(0) + "/_history/1"), locations(newer));
        assertNull(relative(newer, "previous"));
    }

    @Test
    void atListsTheVersionsCurrentAtATime() {
        String id = create(ADMIN, "Observation", observation(mine, "vital-signs"));
        Instant afterFirst = Instant.now();
        put("Observation", id, observation(id, mine, "laboratory"));
        Instant afterSecond = Instant.now();
        given().auth().oauth2(ADMIN).when().delete("/fhir/Observation/" + id).then().statusCode(204);
        String history = "/fhir/Observation/" + id + "/_history?_at=";

        assertEquals(List.of("1"), versions(page(ADMIN, history + afterFirst)));
        assertEquals(List.of("2"), versions(page(ADMIN, history + afterSecond)));
        assertEquals(List.of("3"), versions(page(ADMIN, history + Instant.now())), "a deletion is the current version after it");
        assertEquals(List.of("1"), versions(page(ADMIN, history + "lt" + afterFirst)));
        assertEquals(List.of("2", "1"), versions(page(ADMIN, history + "le" + afterSecond)));
        assertEquals(List.of("3", "2"), versions(page(ADMIN, history + "ge" + afterSecond)));
        assertEquals(List.of("3", "2", "1"), versions(page(ADMIN, history + "gt" + afterFirst.minusSeconds(3600))));
        assertEquals(List.of(), versions(page(ADMIN, history + "lt" + afterFirst.minusSeconds(3600))));
        JsonPath typeLevel = page(ADMIN, "/fhir/Observation/_history?_since=" + start + "&_at=" + afterSecond);
        assertEquals(List.of("Observation/" + id + "/_history/2"), locations(typeLevel));
        assertTrue(typeLevel.getString("link.find { it.relation == 'self' }.url").contains("_at="));
    }

    private static String relative(JsonPath page, String relation) {
        String url = page.getString("link.find { it.relation == '" + relation + "' }.url");
        return url == null ? null : url.substring(url.indexOf("/fhir/"));
    }

    private static List<String> locations(JsonPath page) {
        List<String> locations = page.getList("entry.response.location");
        return locations == null ? List.of() : locations;
    }

    /** The version numbers of a page's entries (from their locations: deletions have no resource). */
    private static List<String> versions(JsonPath page) {
        return locations(page).stream().map(location -> location.substring(location.lastIndexOf('/') + 1)).toList();
    }

    @Test
    void historyRefusesParametersItDoesNotApply() {
        given().auth().oauth2(ADMIN).when().get("/fhir/Observation/_history?code=x")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-HISTORY-PARAM"));
        given().auth().oauth2(ADMIN).when().get("/fhir/Observation/_history?_since=yesterday")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-HISTORY-SINCE"));
        given().auth().oauth2(ADMIN).when().get("/fhir/_history?_cursor=1;DROP")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-HISTORY-CURSOR"));
        given().auth().oauth2(ADMIN).when().get("/fhir/_history?_at=sa2024-01-01")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-HISTORY-AT"));
        given().auth().oauth2(ADMIN).when().get("/fhir/_history?_at=tomorrow")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-HISTORY-AT"));
        given().auth().oauth2(TestAuthority.patientToken(mine, "patient/Observation.r")).when().get("/fhir/Observation/_history")
                .then().statusCode(403).body("issue[0].details.text", is("SG-FHIR-403-SCOPE"));
    }
}
