package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smartguard.fhir.search.SearchFixtures.admin;
import static org.smartguard.fhir.search.SearchFixtures.create;
import static org.smartguard.fhir.search.SearchFixtures.follow;
import static org.smartguard.fhir.search.SearchFixtures.ids;
import static org.smartguard.fhir.search.SearchFixtures.link;
import static org.smartguard.fhir.search.SearchFixtures.observation;
import static org.smartguard.fhir.search.SearchFixtures.observationJson;
import static org.smartguard.fhir.search.SearchFixtures.patient;
import static org.smartguard.fhir.search.SearchFixtures.reference;
import static org.smartguard.fhir.search.SearchFixtures.search;
import static org.smartguard.fhir.search.SearchFixtures.update;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** _sort by every kind of parameter, and keyset pages whose next, previous and first links stay exact while others write. */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class SortAndPagingTest {

    private String tag;
    private String subject;

    @BeforeEach
    void data() {
        tag = UUID.randomUUID().toString().substring(0, 8);
        subject = patient("Sorted" + tag);
    }

    @Test
    void sortsByDateQuantityTokenAndStringBothWaysWithMissingValuesLast() {
        String march = observation(subject, "8867-4", "vital-signs", "2024-03-15", 80);
        String january = observation(subject, "2339-0", "laboratory", "2024-01-15", 60);
        String may = observation(subject, "1111-1", "vital-signs", "2024-05-15", 70);
        String undated = create("Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                + "\"subject\":" + reference("Patient", subject) + "}");
        String query = "Observation?subject=Patient/" + subject + "&_sort=";
        assertEquals(List.of(january, march, may, undated), ids(search(admin(), query + "date")));
        assertEquals(List.of(may, march, january, undated), ids(search(admin(), query + "-date")));
        assertEquals(List.of(january, may, march, undated), ids(search(admin(), query + "value-quantity")));
        assertEquals(List.of(march, may, january, undated), ids(search(admin(), query + "-value-quantity")));
        assertEquals(List.of(may, january, march, undated), ids(search(admin(), query + "code")));
        assertEquals(List.of(january, may, march, undated), ids(search(admin(), query + "category,-date")));
        assertEquals(List.of(march, may, january, undated), ids(search(admin(), query + "-category,date")));
        List<String> byId = new ArrayList<>(List.of(march, january, may, undated));
        Collections.sort(byId);
        assertEquals(byId, ids(search(admin(), query + "_id")));
        assertEquals(List.of(undated, may, january, march), ids(search(admin(), query + "-_lastUpdated")));

        String zed = create("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Zed" + tag + "\"}],\"birthDate\":\"1990\"}");
        String amy = create("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Amy" + tag + "\"}],\"birthDate\":\"1950\"}");
        String patients = "Patient?_id=" + zed + "," + amy + "," + subject + "&_sort=";
        assertEquals(List.of(amy, subject, zed), ids(search(admin(), patients + "family")));
        assertEquals(List.of(zed, subject, amy), ids(search(admin(), patients + "-family")));
        assertEquals(List.of(amy, zed, subject), ids(search(admin(), patients + "birthdate")));
    }

    @Test
    void sortsByNumberParameters() {
        String half = risk("0.5");
        String tenth = risk("0.1");
        String most = risk("0.9");
        assertEquals(List.of(tenth, half, most), ids(search(admin(), "RiskAssessment?subject=Patient/" + subject + "&_sort=probability")));
        assertEquals(List.of(most, half, tenth), ids(search(admin(), "RiskAssessment?subject=Patient/" + subject + "&_sort=-probability")));
    }

    private String risk(String probability) {
        return create("RiskAssessment", "{\"resourceType\":\"RiskAssessment\",\"status\":\"final\",\"subject\":" + reference("Patient", subject)
                + ",\"prediction\":[{\"probabilityDecimal\":" + probability + "}]}");
    }

    @Test
    void unusableSortsAndCursorsAreRefused() {
        for (String query : List.of("_sort=nonsense", "_sort=a,b,c,d,e,f", "_sort=subject.name")) {
            given().auth().oauth2(admin()).urlEncodingEnabled(false).when().get("/fhir/Observation?" + query)
                    .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-SEARCH-SORT"));
        }
        for (int i = 0; i < 3; i++) {
            observation(subject, "8867-4", "vital-signs", "2024-03-1" + i, 1);
        }
        String next = link(search(admin(), "Observation?subject=Patient/" + subject + "&_sort=date&_count=1"), "next");
        String cursor = next.substring(next.indexOf("_cursor=") + 8);
        for (String query : List.of("_cursor=garbage", "_cursor=" + cursor + "&_sort=-date", "_cursor=" + cursor)) {
            given().auth().oauth2(admin()).urlEncodingEnabled(false).when().get("/fhir/Observation?subject=Patient/" + subject + "&" + query)
                    .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-SEARCH-CURSOR"));
        }
    }

    @Test
    void firstPreviousAndNextLinksWalkBothWays() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(observation(subject, "8867-4", "vital-signs", "2024-03-1" + i, i));
        }
        JsonPath first = search(admin(), "Observation?subject=Patient/" + subject + "&_sort=-date&_count=2");
        assertEquals(List.of(created.get(4), created.get(3)), ids(first));
        assertNull(link(first, "previous"), "the first page has no previous page");
        JsonPath second = follow(admin(), link(first, "next"));
        assertEquals(List.of(created.get(2), created.get(1)), ids(second));
        JsonPath last = follow(admin(), link(second, "next"));
        assertEquals(List.of(created.get(0)), ids(last));
        assertNull(link(last, "next"));
        JsonPath back = follow(admin(), link(last, "previous"));
        assertEquals(ids(second), ids(back));
        assertEquals(ids(first), ids(follow(admin(), link(back, "previous"))));
        assertEquals(ids(first), ids(follow(admin(), link(last, "first"))));
        assertEquals(ids(second), ids(follow(admin(), link(second, "self"))));
    }

    @Test
    void twoHundredFiftyMatchesWalkedWhileOthersWriteAreSeenExactlyOnce() throws Exception {
        List<String> originals = createObservations(250);
        String token = TestAuthority.patientToken(subject, "patient/Observation.rs");
        AtomicInteger writes = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        // one round of writes per page read: the writes land between every two pages (what keyset paging must
        // survive), and a busy machine cannot let the writer outrun the reader
        Semaphore turns = new Semaphore(0);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> writing = writer.submit(() -> {
            int i = 0;
            while (!stop.get()) {
                if (!turns.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                // new matches at every date, and updates of existing ones (same date, new version)
                observation(subject, "8867-4", "vital-signs", "2024-03-" + (10 + i % 10), i);
                String changed = originals.get(i % originals.size());
                update("Observation", changed, observationJson(changed, subject, "8867-4", "vital-signs", "2024-03-" + (10 + i % 10), 1000 + i));
                writes.incrementAndGet();
                i++;
            }
            return null;
        });
        try {
            for (String sort : List.of("", "&_sort=-date")) {
                List<String> forward = walk(token, "Observation?patient=" + subject + "&code=8867-4&_count=20" + sort, "next", writes, turns);
                assertEachOnce(originals, forward);
                String lastPage = lastPageLink(token, "Observation?patient=" + subject + "&code=8867-4&_count=20" + sort);
                List<String> backward = walk(token, lastPage.substring(lastPage.indexOf("/fhir/") + 6), "previous", writes, turns);
                assertEachOnce(originals, backward);
            }
        } finally {
            stop.set(true);
            writer.shutdown();
        }
        writing.get();
        assertTrue(writes.get() > 0);
    }

    /** 250 pulse observations in one transaction, on ten dates (ties in the sort order on purpose). */
    private List<String> createObservations(int count) {
        StringBuilder bundle = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
        for (int i = 0; i < count; i++) {
            bundle.append(i == 0 ? "" : ",").append("{\"resource\":")
                    .append(observationJson(null, subject, "8867-4", "vital-signs", "2024-03-" + (10 + i % 10), i))
                    .append(",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}");
        }
        List<String> locations = given().auth().oauth2(admin()).contentType(SearchFixtures.FHIR_JSON).body(bundle.append("]}").toString())
                .when().post("/fhir").then().statusCode(200).extract().jsonPath().getList("entry.response.location");
        return locations.stream().map(location -> location.substring(location.indexOf("/fhir/") + 6).split("/")[1]).toList();
    }

    /** Follows one kind of link to the end, waiting before each page until someone else has written. */
    private static List<String> walk(String token, String query, String relation, AtomicInteger writes, Semaphore turns) {
        JsonPath page = search(token, query);
        List<String> seen = new ArrayList<>(ids(page));
        String link = link(page, relation);
        while (link != null) {
            int before = writes.get();
            turns.release();
            await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > before);
            page = follow(token, link);
            seen.addAll(ids(page));
            link = link(page, relation);
        }
        return seen;
    }

    private static String lastPageLink(String token, String query) {
        JsonPath page = search(token, query);
        String self = link(page, "self");
        while (link(page, "next") != null) {
            self = link(page, "next");
            page = follow(token, self);
        }
        return self;
    }

    private static void assertEachOnce(List<String> originals, List<String> seen) {
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no resource is returned twice");
        Set<String> missing = new HashSet<>(originals);
        missing.removeAll(seen);
        assertEquals(Set.of(), missing, "every resource that matched all along is returned");
    }
}
