package org.smartguard.audit.export;

import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.audit.store.AuditEventStore;
import org.smartguard.audit.support.ApiEvents;
import org.smartguard.audit.support.ApiTokens;
import org.smartguard.audit.support.StoredEvents;
import org.smartguard.audit.support.TestAuthorityResource;
import org.smartguard.commons.audit.EncodedAuditEvent;
import org.smartguard.commons.fhir.FhirR4;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@code GET /audit/export}: a time range as NDJSON, oldest first, since inclusive and until exclusive. */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class ExportTest {

    @Inject
    AuditEventStore store;

    @Inject
    DataSource owner;

    /** A minute of 1998 of this run's own, so nothing else in the test database falls in the range. */
    private final Instant start = Instant.parse("1998-01-01T00:00:00Z").plus((long) (Math.random() * 500_000), ChronoUnit.MINUTES);
    private ApiEvents events;
    private final List<EncodedAuditEvent> inRange = new ArrayList<>();

    @BeforeEach
    void storeEvents() throws Exception {
        events = new ApiEvents(store, new StoredEvents(owner));
        events.read("before", "p-x", "10.6.0.1", start.minusMillis(1));
        for (int i = 0; i < 25; i++) {
            inRange.add(events.read("dr-" + i, "p-" + i, "10.6.0.1", start.plusSeconds(i)));
        }
        events.read("after", "p-y", "10.6.0.1", start.plus(1, ChronoUnit.MINUTES));
    }

    @AfterEach
    void forget() {
        events.forget();
    }

    @Test
    void exportsTheRangeAsNdjsonOldestFirst() {
        String body = ApiTokens.as(ApiTokens.securityBackend()).urlEncodingEnabled(false)
                .get("/audit/export?since=" + start + "&until=" + start.plus(1, ChronoUnit.MINUTES))
                .then().statusCode(200)
                .contentType(startsWith("application/fhir+ndjson"))
                .header("Cache-Control", "no-store")
                .extract().asString();
        List<String> lines = Arrays.asList(body.split("\n"));
        assertEquals(25, lines.size());
        List<String> ids = lines.stream()
                .map(line -> FhirR4.context().newJsonParser().parseResource(AuditEvent.class, line).getIdElement().getIdPart())
                .toList();
        assertEquals(inRange.stream().map(EncodedAuditEvent::eventId).toList(), ids);
        assertEquals(inRange.get(0).json(), lines.get(0), "each line is the event exactly as stored");
    }

    @Test
    void theRangeNeedsSinceBeforeUntil() {
        for (String query : List.of("", "?until=2020-01-01", "?since=2020-01-02&until=2020-01-01", "?since=soon")) {
            ApiTokens.as(ApiTokens.securityBackend()).urlEncodingEnabled(false).get("/audit/export" + query)
                    .then().statusCode(400).body("issue[0].details.text", is("SG-AUDIT-400-PARAMETER"));
        }
    }

    @Test
    void onlySecurityStaffMayExport() {
        ApiTokens.as(ApiTokens.patient("p-" + UUID.randomUUID())).get("/audit/export?since=1998")
                .then().statusCode(403).body("issue[0].details.text", is("SG-AUDIT-403-PATIENT-SCOPE"));
    }
}
