package org.smartguard.audit.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.audit.store.AuditEventStore;
import org.smartguard.audit.support.ApiEvents;
import org.smartguard.audit.support.ApiTokens;
import org.smartguard.audit.support.StoredEvents;
import org.smartguard.audit.support.TestAuthorityResource;
import org.smartguard.commons.audit.EncodedAuditEvent;
import org.smartguard.commons.testing.TestAuthority;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;

/**
 * The security staff's search: every parameter, date prefixes, keyset paging, sorting, strict parameters, bound
 * values; and who is refused, with status and code. The events are recorded on a day of their own in 1999, so the
 * date filter isolates them from everything else in the test database.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class AuditEventSearchTest {

    @Inject
    AuditEventStore store;

    @Inject
    DataSource owner;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Instant day = Instant.parse("1999-03-0" + (1 + (int) (Math.random() * 9)) + "T00:00:00Z")
            .plus((long) (Math.random() * 1000), ChronoUnit.DAYS);
    private final String dayText = day.toString().substring(0, 10);
    private ApiEvents events;
    private EncodedAuditEvent aliceReadsAnna;
    private EncodedAuditEvent bobReadsBen;
    private EncodedAuditEvent deniedOnAnna;
    private final List<EncodedAuditEvent> aliceMorning = new ArrayList<>();

    @BeforeEach
    void storeEvents() throws Exception {
        events = new ApiEvents(store, new StoredEvents(owner));
        aliceReadsAnna = events.read(alice(), anna(), "10.7.0.1", day.plus(1, ChronoUnit.HOURS));
        bobReadsBen = events.read(bob(), ben(), "10.7.0.2", day.plus(2, ChronoUnit.HOURS));
        deniedOnAnna = events.denied("probe-app", anna(), "10.7.0.3", day.plus(3, ChronoUnit.HOURS));
        for (int i = 0; i < 5; i++) {
            aliceMorning.add(events.read(alice(), "p-" + run + "-" + i, "10.7.0.1", day.plus(10, ChronoUnit.MINUTES).plusSeconds(i)));
        }
    }

    @AfterEach
    void forget() {
        events.forget();
    }

    private String alice() {
        return "alice-" + run;
    }

    private String bob() {
        return "bob-" + run;
    }

    private String anna() {
        return "anna-" + run;
    }

    private String ben() {
        return "ben-" + run;
    }

    @Test
    void searchesByPatientNewestFirstAsASearchsetBundle() {
        ValidatableResponse found = search("patient=Patient/" + anna())
                .contentType(startsWith("application/fhir+json"))
                .body("resourceType", is("Bundle")).body("type", is("searchset"))
                .body("entry.resource.resourceType", everyIs("AuditEvent"))
                .body("entry.search.mode", everyIs("match"));
        assertEquals(List.of(deniedOnAnna.eventId(), aliceReadsAnna.eventId()), ids(found));
        assertEquals(ids(found), ids(search("patient=" + anna())), "a bare id works as well");
        found.body("entry[0].fullUrl", is("http://localhost:8080/audit/AuditEvent/" + deniedOnAnna.eventId()));
    }

    @Test
    void searchesByEachElement() {
        assertEquals(List.of(bobReadsBen.eventId()), ids(search("agent=Practitioner/" + bob())));
        assertEquals(List.of(bobReadsBen.eventId()), ids(search("agent=" + bob() + "-sub")), "by the user's identifier");
        assertEquals(List.of(bobReadsBen.eventId()), ids(search("entity=Observation/" + ben() + "-obs")));
        assertEquals(List.of(deniedOnAnna.eventId()), ids(search("subtype=access-denied")));
        assertEquals(List.of(deniedOnAnna.eventId()),
                ids(search("type=http://dicom.nema.org/resources/ontology/DCM%7C110113")), "system|code");
        assertEquals(List.of(deniedOnAnna.eventId()), ids(search("outcome=4")));
        assertEquals(List.of(deniedOnAnna.eventId()), ids(search("address=10.7.0.3")));
        assertEquals(8, ids(search("type=rest,110113")).size(), "comma-separated values are alternatives");
        assertEquals(List.of(aliceReadsAnna.eventId()), ids(search("agent=Practitioner/" + alice() + "&patient=" + anna())),
                "repeated parameters all apply");
    }

    @Test
    void anEventNamingTwoPatientsIsFoundUnderEach() throws Exception {
        String other = "olga-" + run;
        EncodedAuditEvent both = events.searchOfTwo(alice(), anna(), other, day.plus(4, ChronoUnit.HOURS));
        assertEquals(List.of(both.eventId(), deniedOnAnna.eventId(), aliceReadsAnna.eventId()), ids(search("patient=" + anna())));
        assertEquals(List.of(both.eventId()), ids(search("patient=Patient/" + other)));
        assertEquals(List.of(both.eventId()), ids(search("patient=" + other + "&agent=Practitioner/" + alice())));
        assertEquals(List.of(both.eventId()), ids(search("patient=" + other + "," + ben() + "&entity=Observation/" + other + "-obs")),
                "one value of several, with another parameter");
        assertEquals(List.of(both.eventId()), ids(ApiTokens.as(ApiTokens.patient(other)).urlEncodingEnabled(false)
                .get("/audit/AuditEvent").then().statusCode(200)), "the second patient's own access report has it");
        assertEquals(2, new StoredEvents(owner).single("SELECT count(*) FROM audit_log.event_keys WHERE event_id = CAST(? AS uuid)"
                + " AND search_key IN (?, ?)", both.eventId(), "patient=Patient/" + anna(), "patient=Patient/" + other),
                "one key row per patient, stored with the event");
    }

    @Test
    void dateRangesWithPrefixes() {
        String hourOne = day.plus(1, ChronoUnit.HOURS).toString().substring(0, 16) + "Z";
        assertEquals(List.of(aliceReadsAnna.eventId()), ids(searchAll("date=" + hourOne)), "eq a minute");
        assertEquals(List.of(deniedOnAnna.eventId(), bobReadsBen.eventId()),
                ids(searchAll("date=gt" + hourOne)), "after that minute");
        assertEquals(2, ids(searchAll("date=ge" + day.plus(2, ChronoUnit.HOURS))).size());
        assertEquals(5, ids(searchAll("date=lt" + hourOne + "&date=ge" + dayText)).size(), "the morning's five reads");
        assertEquals(6, ids(searchAll("date=le" + hourOne + "&date=ge" + dayText)).size());
        assertEquals(8, ids(searchAll("date=" + dayText)).size(), "the whole day");
    }

    @Test
    void pagesFollowNextLinksWithoutGapsOrRepeats() {
        List<String> seen = new ArrayList<>();
        String url = "/audit/AuditEvent?date=" + dayText + "&_count=2";
        int pages = 0;
        while (url != null) {
            JsonPath page = ApiTokens.as(ApiTokens.securityBackend()).urlEncodingEnabled(false).get(url)
                    .then().statusCode(200).extract().jsonPath();
            List<String> idsOnPage = page.getList("entry.resource.id");
            seen.addAll(idsOnPage);
            String next = page.getString("link.find { it.relation == 'next' }.url");
            url = next == null ? null : next.replace("http://localhost:8080", "");
            pages++;
        }
        assertEquals(4, pages);
        assertEquals(8, seen.size());
        assertEquals(8, seen.stream().distinct().count());
        assertEquals(ids(searchAll("date=" + dayText)), seen, "the same order as one big page");
    }

    @Test
    void sortsOldestFirstWhenAsked() {
        List<String> newestFirst = ids(searchAll("date=" + dayText + "&_sort=-date"));
        List<String> oldestFirst = new ArrayList<>(ids(searchAll("date=" + dayText + "&_sort=date")));
        java.util.Collections.reverse(oldestFirst);
        assertEquals(newestFirst, oldestFirst);
        assertEquals(newestFirst, ids(searchAll("date=" + dayText)), "newest first is the default");
    }

    @Test
    void valuesAreBoundNeverConcatenated() {
        search("agent=x'%20OR%20'1'='1").body("entry", nullValue());
        search("patient=" + anna() + "&address=10.7.0.3')%20OR%20TRUE%20--").body("entry", nullValue());
    }

    @Test
    void badParametersAre400WithTheirCode() {
        refused("/audit/AuditEvent?nonsense=1", 400, "SG-AUDIT-400-PARAMETER").body(containsString("unknown search parameter"));
        refused("/audit/AuditEvent?date=yesterday", 400, "SG-AUDIT-400-PARAMETER");
        refused("/audit/AuditEvent?date=ne2020-01-01", 400, "SG-AUDIT-400-PARAMETER");
        refused("/audit/AuditEvent?outcome=3", 400, "SG-AUDIT-400-PARAMETER");
        refused("/audit/AuditEvent?_sort=agent", 400, "SG-AUDIT-400-PARAMETER");
        refused("/audit/AuditEvent?_count=0", 400, "SG-AUDIT-400-PARAMETER");
        refused("/audit/AuditEvent?_cursor=abc", 400, "SG-AUDIT-400-PARAMETER");
    }

    @Test
    void readsOneEventById() {
        ApiTokens.as(ApiTokens.securityBackend()).get("/audit/AuditEvent/" + bobReadsBen.eventId())
                .then().statusCode(200).body("id", is(bobReadsBen.eventId()))
                .body("agent.network.address", org.hamcrest.Matchers.hasItem("10.7.0.2"));
        refused("/audit/AuditEvent/" + UUID.randomUUID(), 404, "SG-AUDIT-404");
        refused("/audit/AuditEvent/not-a-uuid", 404, "SG-AUDIT-404");
    }

    @Test
    void aConfiguredSecurityOfficerIsStaff() {
        assertEquals(2, ids(ApiTokens.as(ApiTokens.securityOfficer()).get("/audit/AuditEvent?patient=" + anna())
                .then().statusCode(200)).size());
    }

    @Test
    void tokensThatAreNotSecurityStaffAreRefusedAndSeeNothing() {
        String url = "/audit/AuditEvent?patient=" + anna();
        // a clinician's app scopes: wildcards never open the audit trail
        refusedWith(TestAuthority.practitionerToken(alice(), "user/*.rs"), url, 403, "SG-AUDIT-403-NOT-SECURITY-STAFF");
        refusedWith(TestAuthority.practitionerToken(alice(), "user/*.*"), url, 403, "SG-AUDIT-403-NOT-SECURITY-STAFF");
        // user/AuditEvent.rs of someone who is not a configured officer
        refusedWith(TestAuthority.practitionerToken(alice(), "user/AuditEvent.rs"), url, 403, "SG-AUDIT-403-NOT-SECURITY-STAFF");
        refusedWith(TestAuthority.systemToken("system/*.rs"), url, 403, "SG-AUDIT-403-NOT-SECURITY-STAFF");
        refusedWith(TestAuthority.systemToken("system/AuditEvent.rs?subtype=read"), url, 403, "SG-AUDIT-403-NOT-SECURITY-STAFF");
        refusedWith(TestAuthority.systemToken("system/Observation.rs"), url, 403, "SG-AUDIT-403-NOT-SECURITY-STAFF");
        // a patient scope without the patient claim cannot be narrowed
        refusedWith(TestAuthority.systemToken("patient/AuditEvent.rs"), url, 403, "SG-AUDIT-403-CONTEXT");
    }

    @Test
    void missingInvalidExpiredAndForeignTokensAre401() {
        given().get("/audit/AuditEvent").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("issue[0].details.text", is("SG-AUDIT-401-NO-TOKEN"));
        String token = ApiTokens.securityBackend();
        refusedWith(token.substring(0, token.length() - 4) + "AAAA", "/audit/AuditEvent", 401, "SG-AUDIT-401-INVALID-TOKEN");
        JwtClaims expired = TestAuthority.claims("system/AuditEvent.rs");
        expired.setExpirationTime(NumericDate.fromSeconds(Instant.now().minusSeconds(3600).getEpochSecond()));
        refusedWith(TestAuthority.sign(expired), "/audit/AuditEvent", 401, "SG-AUDIT-401-INVALID-TOKEN");
        JwtClaims foreign = TestAuthority.claims("system/AuditEvent.rs");
        foreign.setIssuer("https://elsewhere.example/auth");
        refusedWith(TestAuthority.sign(foreign), "/audit/AuditEvent", 401, "SG-AUDIT-401-INVALID-TOKEN");
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/audit/AuditEvent").then().statusCode(401)
                .body("issue[0].details.text", is("SG-AUDIT-401-NO-TOKEN"));
    }

    @Test
    void everyPartOfTheApiNeedsAToken() {
        for (String path : List.of("/audit/AuditEvent", "/audit/alerts", "/audit/export?since=2020", "/audit/integrity")) {
            given().get(path).then().statusCode(401).body("issue[0].details.text", is("SG-AUDIT-401-NO-TOKEN"));
        }
        given().post("/audit/alerts/" + UUID.randomUUID() + "/acknowledge").then().statusCode(401);
    }

    private ValidatableResponse search(String query) {
        return ApiTokens.as(ApiTokens.securityBackend()).urlEncodingEnabled(false).get("/audit/AuditEvent?" + query
                + "&date=ge" + dayText + "&date=lt" + day.plus(1, ChronoUnit.DAYS).toString().substring(0, 10))
                .then().statusCode(200);
    }

    /** The search within the test's day, on one page. */
    private ValidatableResponse searchAll(String query) {
        return search(query + "&_count=100");
    }

    private static ValidatableResponse refused(String url, int status, String code) {
        return refusedWith(ApiTokens.securityBackend(), url, status, code);
    }

    static ValidatableResponse refusedWith(String token, String url, int status, String code) {
        return ApiTokens.as(token).urlEncodingEnabled(false).get(url).then().statusCode(status)
                .contentType(startsWith("application/fhir+json"))
                .body("resourceType", is("OperationOutcome"))
                .body("issue[0].details.text", is(code))
                .body("entry", nullValue());
    }

    static List<String> ids(ValidatableResponse bundle) {
        List<String> ids = bundle.extract().jsonPath().getList("entry.resource.id");
        return ids == null ? List.of() : ids;
    }

    private static org.hamcrest.Matcher<Iterable<? super String>> everyIs(String value) {
        return not(org.hamcrest.Matchers.hasItem(not(is(value))));
    }
}
