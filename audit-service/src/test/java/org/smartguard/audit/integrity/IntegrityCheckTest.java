package org.smartguard.audit.integrity;

import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.audit.store.AuditEventStore;
import org.smartguard.audit.store.IncomingEvent;
import org.smartguard.audit.store.StoreWiring;
import org.smartguard.audit.support.ApiTokens;
import org.smartguard.audit.support.StoredEvents;
import org.smartguard.audit.support.TestAuthorityResource;
import org.smartguard.audit.support.TestEvents;
import org.smartguard.commons.audit.EncodedAuditEvent;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class IntegrityCheckTest {

    private static final String PERMISSION_DENIED = "42501";

    @Inject
    AuditEventStore store;

    @Inject
    DataSource owner;

    @Inject
    @io.quarkus.agroal.DataSource(StoreWiring.WRITER_DATASOURCE)
    DataSource writer;

    private StoredEvents stored;
    private String topic;
    private List<EncodedAuditEvent> events;

    @BeforeEach
    void storeAChainOfFive() throws SQLException {
        stored = new StoredEvents(owner);
        topic = "test.integrity-" + UUID.randomUUID();
        events = TestEvents.encodedReads(5);
        List<IncomingEvent> incoming = IntStream.range(0, events.size()).mapToObj(offset -> new IncomingEvent(
                UUID.fromString(events.get(offset).eventId()), Instant.now(), events.get(offset).json(), offset)).toList();
        store.append(topic, 0, incoming);
    }

    @AfterEach
    void forget() {
        stored.forget(topic);
    }

    @Test
    void anUntouchedChainVerifies() {
        chain().body("status", is("intact"))
                .body("events", is(5))
                .body("firstBrokenLink", nullValue());
    }

    @Test
    void anEditedRowIsReportedAsTheFirstBrokenLink() {
        stored.executeAsOwner("UPDATE audit_log.events SET payload = replace(payload, 'pat-2', 'pat-9')"
                + " WHERE topic = ? AND chain_position = 3", topic);
        ApiTokens.as(ApiTokens.securityBackend()).when().get("/audit/integrity").then().statusCode(200).body("status", is("broken"));
        brokenAt(3, events.get(2).eventId()).body("firstBrokenLink.problem", is("hash does not match the stored event"));
    }

    @Test
    void aDeletedRowIsReported() {
        stored.executeAsOwner("DELETE FROM audit_log.events WHERE topic = ? AND chain_position = 2", topic);
        brokenAt(2, events.get(2).eventId()).body("firstBrokenLink.problem", startsWith("expected position 2 but found 3"));
    }

    @Test
    void reorderedRowsAreReported() {
        stored.executeAsOwner("UPDATE audit_log.events SET chain_position = 5 - chain_position"
                + " WHERE topic = ? AND chain_position IN (2, 3)", topic);
        brokenAt(2, events.get(2).eventId()).body("firstBrokenLink.problem", is("prev_hash is not the hash of the previous row"));
    }

    @Test
    void theNewestRowDeletedIsReported() {
        stored.executeAsOwner("DELETE FROM audit_log.events WHERE topic = ? AND chain_position = 5", topic);
        brokenAt(5, null).body("firstBrokenLink.problem", startsWith("the chain head is at position 5"));
    }

    @Test
    void theServiceRoleCannotChangeOrRemoveStoredEventsOrTheirKeys() throws SQLException {
        long keys = keyRows();
        try (Connection connection = writer.getConnection(); Statement statement = connection.createStatement()) {
            assertDenied(statement, "UPDATE audit_log.events SET payload = '{}' WHERE topic = '" + topic + "'");
            assertDenied(statement, "DELETE FROM audit_log.events WHERE topic = '" + topic + "'");
            assertDenied(statement, "TRUNCATE audit_log.events");
            assertDenied(statement, "DROP TABLE audit_log.events");
            assertDenied(statement, "DELETE FROM audit_log.event_ids");
            assertDenied(statement, "UPDATE audit_log.event_keys SET search_key = 'patient=Patient/nobody'");
            assertDenied(statement, "DELETE FROM audit_log.event_keys");
            assertDenied(statement, "TRUNCATE audit_log.event_keys");
            assertDenied(statement, "DROP TABLE audit_log.event_keys");
        }
        assertEquals(5, stored.count(topic));
        assertEquals(keys, keyRows());
        chain().body("status", is("intact"));
        chain("?searchKeys=true").body("status", is("intact"));
    }

    @Test
    void searchKeysChangedBehindTheServicesBackAreReportedWhenAsked() {
        String second = events.get(1).eventId();
        String fourth = events.get(3).eventId();
        assertEquals(1, stored.executeAsOwner("DELETE FROM audit_log.event_keys WHERE event_id = CAST(? AS uuid)"
                + " AND search_key LIKE 'patient=%'", fourth), "hidden from searches by its patient");
        stored.executeAsOwner("INSERT INTO audit_log.event_keys (search_key, recorded, event_id, stored_at)"
                + " SELECT 'patient=Patient/someone-else', recorded, event_id, stored_at FROM audit_log.events"
                + " WHERE event_id = CAST(? AS uuid)", second);

        chain().body("status", is("intact")).body("firstBrokenLink", nullValue());
        brokenAt("?searchKeys=true", 2, second).body("firstBrokenLink.problem", is("search keys do not match the stored event"));

        stored.executeAsOwner("DELETE FROM audit_log.event_keys WHERE search_key = 'patient=Patient/someone-else'");
        brokenAt("?searchKeys=true", 4, fourth).body("firstBrokenLink.problem", is("search keys do not match the stored event"));
        ApiTokens.as(ApiTokens.securityBackend()).get("/audit/integrity?searchKeys=maybe").then().statusCode(400)
                .body("issue[0].details.text", is("SG-AUDIT-400-PARAMETER"));
    }

    private long keyRows() {
        return stored.single("SELECT count(*) FROM audit_log.event_keys k JOIN audit_log.events e USING (event_id, stored_at)"
                + " WHERE e.topic = ?", topic);
    }

    private static void assertDenied(Statement statement, String sql) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.execute(sql), sql);
        // 42501 insufficient_privilege; DROP by a non-owner is also 42501 (must be owner)
        assertEquals(PERMISSION_DENIED, refused.getSQLState(), sql + ": " + refused.getMessage());
    }

    private ValidatableResponse chain() {
        return chain("");
    }

    private ValidatableResponse chain(String query) {
        return ApiTokens.as(ApiTokens.securityBackend()).when().get("/audit/integrity" + query).then().statusCode(200)
                .rootPath("chains.find { it.topic == '" + topic + "' && it.partition == 0 }");
    }

    private ValidatableResponse brokenAt(int position, String eventId) {
        return brokenAt("", position, eventId);
    }

    private ValidatableResponse brokenAt(String query, int position, String eventId) {
        return chain(query).body("status", is("broken"))
                .body("firstBrokenLink.position", is(position))
                .body("firstBrokenLink.eventId", is(eventId));
    }
}
