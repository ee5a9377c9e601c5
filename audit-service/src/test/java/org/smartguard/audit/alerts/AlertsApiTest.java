package org.smartguard.audit.alerts;

import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.audit.store.StoreWiring;
import org.smartguard.audit.support.ApiTokens;
import org.smartguard.audit.support.StoredEvents;
import org.smartguard.audit.support.TestAuthorityResource;
import org.smartguard.commons.testing.TestAuthority;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** {@code GET /audit/alerts} with its filters and pages, and {@code POST /audit/alerts/{id}/acknowledge}. */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class AlertsApiTest {

    @Inject
    @io.quarkus.agroal.DataSource(StoreWiring.WRITER_DATASOURCE)
    DataSource writer;

    @Inject
    DataSource owner;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<SecurityAlert> stored = new ArrayList<>();

    @BeforeEach
    void storeAlerts() throws Exception {
        stored.add(alert("snooping", "high", "user:snoop-" + run));
        stored.add(alert("brute-force", "medium", "address:10.9.0.1-" + run));
        stored.add(alert("brute-force", "medium", "username:admin-" + run));
        new AlertStore(writer).store(stored);
    }

    @AfterEach
    void forget() {
        new StoredEvents(owner).executeAsOwner("DELETE FROM audit_log.security_alert WHERE subject LIKE ?", "%-" + run);
    }

    private SecurityAlert alert(String rule, String severity, String subject) {
        Instant end = Instant.now();
        return new SecurityAlert(UUID.randomUUID().toString(), rule, severity, subject, end.minusSeconds(600).toString(),
                end.toString(), 12, 10, List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString()));
    }

    @Test
    void listsAlertsByRuleSeverityAndStatusWithTheirEvidence() {
        List<JsonPath> mine = mine("rule=brute-force&severity=medium&status=open");
        assertEquals(2, mine.size());
        JsonPath page = staff().get("/audit/alerts?rule=snooping&_count=500").then().statusCode(200).extract().jsonPath();
        assertTrue(page.getList("alerts.rule").stream().allMatch("snooping"::equals), "only the rule asked for");
        page.setRootPath("alerts.find { it.subject == 'user:snoop-" + run + "' }");
        assertEquals(stored.get(0).evidence(), page.getList("evidence"));
        assertEquals("open", page.getString("status"));
        assertEquals(12, page.getInt("count"));
        assertEquals(10, page.getInt("threshold"));
    }

    @Test
    void pagesFollowNextLinks() {
        List<String> subjects = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        String url = "/audit/alerts?status=open&_count=1";
        int guard = 0;
        while (url != null && guard++ < 10_000) {
            JsonPath page = staff().urlEncodingEnabled(false).get(url).then().statusCode(200).extract().jsonPath();
            subjects.addAll(page.getList("alerts.subject"));
            ids.addAll(page.getList("alerts.alertId"));
            String next = page.getString("next");
            url = next == null ? null : next.replace("http://localhost:8080", "");
        }
        assertTrue(subjects.containsAll(stored.stream().map(SecurityAlert::subject).toList()), "every open alert reached");
        assertEquals(ids.size(), ids.stream().distinct().count(), "no alert twice");
    }

    @Test
    void acknowledgingRecordsWhoAndWhenOnceAndTakesTheAlertOffTheOpenList() {
        String id = stored.get(0).alertId();
        JsonPath first = ApiTokens.as(ApiTokens.securityOfficer()).post("/audit/alerts/" + id + "/acknowledge")
                .then().statusCode(200)
                .body("status", is("acknowledged"))
                .body("acknowledgedBy", is("Practitioner/" + ApiTokens.OFFICER))
                .body("acknowledgedAt", notNullValue())
                .extract().jsonPath();
        // again, by someone else: nothing changes, the first acknowledgement stands
        staff().post("/audit/alerts/" + id + "/acknowledge").then().statusCode(200)
                .body("acknowledgedBy", is("Practitioner/" + ApiTokens.OFFICER))
                .body("acknowledgedAt", is(first.getString("acknowledgedAt")));
        assertEquals(0, mine("status=open").stream().filter(a -> a.getString("alertId").equals(id)).count());
        assertEquals(1, mine("status=acknowledged").size());
    }

    @Test
    void unknownAlertsAre404() {
        staff().post("/audit/alerts/" + UUID.randomUUID() + "/acknowledge").then().statusCode(404)
                .body("issue[0].details.text", is("SG-AUDIT-404"));
        staff().post("/audit/alerts/not-an-id/acknowledge").then().statusCode(404)
                .body("issue[0].details.text", is("SG-AUDIT-404"));
    }

    @Test
    void badFiltersAre400() {
        for (String query : List.of("rule=nope", "severity=urgent", "status=closed", "subject=x", "_count=-1", "rule=snooping&rule=brute-force")) {
            staff().urlEncodingEnabled(false).get("/audit/alerts?" + query).then().statusCode(400)
                    .body("issue[0].details.text", is("SG-AUDIT-400-PARAMETER"));
        }
    }

    @Test
    void onlySecurityStaffMayListOrAcknowledge() {
        String id = stored.get(1).alertId();
        for (String token : List.of(TestAuthority.practitionerToken("nosy", "user/*.*"), ApiTokens.patient("p-" + run))) {
            ApiTokens.as(token).get("/audit/alerts").then().statusCode(403).body("alerts", nullValue());
            ApiTokens.as(token).post("/audit/alerts/" + id + "/acknowledge").then().statusCode(403);
        }
        assertEquals(2, mine("status=open&rule=brute-force").size(), "still open: the refused acknowledgements changed nothing");
    }

    private io.restassured.specification.RequestSpecification staff() {
        return ApiTokens.as(ApiTokens.securityBackend());
    }

    /** This test's alerts among those the filter lists (all pages of 500). */
    private List<JsonPath> mine(String query) {
        JsonPath page = staff().urlEncodingEnabled(false).get("/audit/alerts?" + query + "&_count=500").then().statusCode(200)
                .extract().jsonPath();
        List<JsonPath> found = new ArrayList<>();
        List<String> subjects = page.getList("alerts.subject");
        for (int i = 0; i < subjects.size(); i++) {
            if (subjects.get(i).endsWith("-" + run)) {
                found.add(new JsonPath(page.prettify()).setRootPath("alerts[" + i + "]"));
            }
        }
        return found;
    }
}
