package org.smartguard.audit.search;

import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smartguard.audit.search.AuditEventSearchTest.ids;
import static org.smartguard.audit.search.AuditEventSearchTest.refusedWith;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

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
import io.restassured.response.ValidatableResponse;

/**
 * The patient access report: {@code GET /audit/AuditEvent} with a patient's {@code patient/AuditEvent.rs} token shows
 * who accessed that patient's record (agent, time, what, outcome) and nothing about anyone else's record, nor the
 * staff's addresses and token ids.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class PatientAccessReportTest {

    @Inject
    AuditEventStore store;

    @Inject
    DataSource owner;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String patientA = "pa-" + run;
    private final String patientB = "pb-" + run;
    private ApiEvents events;
    private EncodedAuditEvent drReadsA;
    private EncodedAuditEvent deniedOnA;
    private EncodedAuditEvent drReadsB;

    @BeforeEach
    void storeEvents() throws Exception {
        events = new ApiEvents(store, new StoredEvents(owner));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        drReadsA = events.read("dr-" + run, patientA, "10.8.0.1", now.minusSeconds(30));
        deniedOnA = events.denied("curious-app", patientA, "10.8.0.2", now.minusSeconds(20));
        drReadsB = events.read("dr-" + run, patientB, "10.8.0.1", now.minusSeconds(10));
    }

    @AfterEach
    void forget() {
        events.forget();
    }

    @Test
    void aPatientSeesWhoAccessedTheirRecord() {
        ValidatableResponse report = ApiTokens.as(ApiTokens.patient(patientA)).get("/audit/AuditEvent").then().statusCode(200)
                .body("type", is("searchset"));
        assertEquals(List.of(deniedOnA.eventId(), drReadsA.eventId()), ids(report));
        report.rootPath("entry.find { it.resource.id == '" + drReadsA.eventId() + "' }.resource")
                .body("agent.who.reference", hasItem("Practitioner/dr-" + run))
                .body("agent.who.display", hasItem("ehr-app"))
                .body("recorded", org.hamcrest.Matchers.notNullValue())
                .body("subtype.code", hasItem("read"))
                .body("entity.what.reference", hasItem("Observation/" + patientA + "-obs"))
                .body("outcome", is("0"));
    }

    @Test
    void theReportLeavesOutAddressesTokenIdsIdentifiersAndQueries() {
        String body = ApiTokens.as(ApiTokens.patient(patientA)).get("/audit/AuditEvent").then().statusCode(200)
                .extract().asString();
        assertFalse(body.contains("10.8.0."), "no network address");
        assertFalse(body.contains("jti-"), "no token id");
        assertFalse(body.contains("dr-" + run + "-sub"), "no user identifier");
        assertFalse(body.contains("\"query\""), "no query text");
        assertFalse(body.contains("test-agent"), "no request details");
        assertTrue(body.contains("Practitioner/dr-" + run));
    }

    @Test
    void patientANeverSeesPatientBsEvents() {
        String body = ApiTokens.as(ApiTokens.patient(patientA)).get("/audit/AuditEvent?_count=500").then().statusCode(200)
                .extract().asString();
        assertFalse(body.contains(patientB), "nothing about B's record");
        assertFalse(body.contains(drReadsB.eventId()));
        // the same practitioner's other access does not leak through the agent filter either
        assertEquals(List.of(drReadsA.eventId()), ids(ApiTokens.as(ApiTokens.patient(patientA))
                .get("/audit/AuditEvent?agent=Practitioner/dr-" + run).then().statusCode(200)));
        // B's own report holds B's event only
        assertEquals(List.of(drReadsB.eventId()), ids(ApiTokens.as(ApiTokens.patient(patientB)).get("/audit/AuditEvent")
                .then().statusCode(200)));
    }

    @Test
    void askingAboutAnotherRecordIsRefused() {
        refusedWith(ApiTokens.patient(patientA), "/audit/AuditEvent?patient=" + patientB, 403, "SG-AUDIT-403-PATIENT-SCOPE");
        refusedWith(ApiTokens.patient(patientA), "/audit/AuditEvent?patient=" + patientA + "," + patientB, 403,
                "SG-AUDIT-403-PATIENT-SCOPE");
        refusedWith(ApiTokens.patient(patientA), "/audit/AuditEvent?address=10.8.0.1", 403, "SG-AUDIT-403-PATIENT-SCOPE");
        // B's event by id is simply not there for A; A's own is
        refusedWith(ApiTokens.patient(patientA), "/audit/AuditEvent/" + drReadsB.eventId(), 404, "SG-AUDIT-404");
        ApiTokens.as(ApiTokens.patient(patientA)).get("/audit/AuditEvent/" + drReadsA.eventId()).then().statusCode(200)
                .body("id", is(drReadsA.eventId())).body(not(org.hamcrest.Matchers.containsString("\"network\"")));
    }

    @Test
    void aPatientCannotUseTheStaffParts() {
        String token = ApiTokens.patient(patientA);
        for (String path : List.of("/audit/alerts", "/audit/export?since=2020", "/audit/integrity", "/audit/dashboard")) {
            refusedWith(token, path, 403, "SG-AUDIT-403-PATIENT-SCOPE");
        }
        ApiTokens.as(token).post("/audit/alerts/" + UUID.randomUUID() + "/acknowledge").then().statusCode(403)
                .body("issue[0].details.text", is("SG-AUDIT-403-PATIENT-SCOPE"));
    }

    @Test
    void aPatientTokenWithoutAuditEventScopeIsRefused() {
        refusedWith(TestAuthority.patientToken(patientA, "patient/Observation.rs"), "/audit/AuditEvent", 403,
                "SG-AUDIT-403-NOT-SECURITY-STAFF");
    }
}
