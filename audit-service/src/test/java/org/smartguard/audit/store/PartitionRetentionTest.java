package org.smartguard.audit.store;

import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smartguard.audit.support.ApiTokens;
import org.smartguard.audit.support.StoredEvents;
import org.smartguard.audit.support.TestEvents;
import org.smartguard.commons.audit.EncodedAuditEvent;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Retention on fixed clocks in early 2025: inside the service's own six years, so its scheduled job never touches
 * these months, and far enough back that no event stored in real time lands in them.
 */
@QuarkusTest
class PartitionRetentionTest {

    private static final Instant JANUARY = Instant.parse("2025-01-15T10:00:00Z");
    private static final Instant FEBRUARY = Instant.parse("2025-02-10T10:00:00Z");

    @Inject
    DataSource owner;

    @Inject
    @io.quarkus.agroal.DataSource(StoreWiring.WRITER_DATASOURCE)
    DataSource writer;

    private final List<String> topics = new ArrayList<>();

    @AfterEach
    void forget() {
        topics.forEach(new StoredEvents(owner)::forget);
    }

    @Test
    void retentionDropsWholeExpiredMonthsAndTheShortenedChainStillVerifies() throws SQLException {
        StoredEvents stored = new StoredEvents(owner);
        String topic = "test.retention-" + UUID.randomUUID();
        topics.add(topic);
        new PartitionMaintenance(owner, new MonthlyPartitions(1, 2)).run(JANUARY);
        List<EncodedAuditEvent> januaryEvents = TestEvents.encodedReads(3);
        List<EncodedAuditEvent> februaryEvents = TestEvents.encodedReads(2);
        storeAt(JANUARY, topic, januaryEvents);
        storeAt(FEBRUARY, topic, februaryEvents);
        assertTrue(partitionExists("events_2025_03"), "the months ahead were created");
        assertTrue(partitionExists("event_keys_2025_03"), "with their search keys' partitions");

        List<String> dropped = new PartitionMaintenance(owner, new MonthlyPartitions(1, 0)).run(Instant.parse("2025-03-05T00:00:00Z"));

        assertTrue(dropped.contains("events_2025_01"), "January is past a one-month retention: " + dropped);
        assertFalse(dropped.contains("events_2025_02"), "February is not wholly past it");
        assertFalse(partitionExists("events_2025_01"));
        assertFalse(partitionExists("event_keys_2025_01"), "January's search keys went with its events");
        assertEquals(2, stored.count(topic), "February's events are kept");
        assertEquals(2, stored.single("SELECT count(DISTINCT event_id) FROM audit_log.event_keys WHERE event_id = ANY (CAST(? AS uuid[]))",
                (Object) februaryEvents.stream().map(EncodedAuditEvent::eventId).toArray(String[]::new)), "and their keys");
        assertEquals(0, stored.single("SELECT count(*) FROM audit_log.event_ids WHERE event_id = ANY (CAST(? AS uuid[]))",
                (Object) januaryEvents.stream().map(EncodedAuditEvent::eventId).toArray(String[]::new)),
                "the dropped events' ids left the idempotency table");
        assertEquals(3, stored.single("SELECT chain_position FROM audit_log.chain_anchors WHERE topic = ?", topic),
                "the last dropped link anchors the chain");
        ApiTokens.as(ApiTokens.securityBackend()).when().get("/audit/integrity?searchKeys=true").then().statusCode(200)
                .rootPath("chains.find { it.topic == '" + topic + "' }")
                .body("status", is("intact"))
                .body("events", is(2))
                .body("firstBrokenLink", nullValue());
    }

    @Test
    void storedAtNeverGoesBackAlongAChainWhenAClockLags() throws SQLException {
        StoredEvents stored = new StoredEvents(owner);
        String topic = "test.clock-lag-" + UUID.randomUUID();
        topics.add(topic);
        new PartitionMaintenance(owner, new MonthlyPartitions(72, 2)).run(JANUARY);
        storeAt(FEBRUARY, topic, TestEvents.encodedReads(1));
        storeAt(JANUARY, topic, TestEvents.encodedReads(1));
        assertEquals(2, stored.single("SELECT count(*) FROM audit_log.events WHERE topic = ? AND stored_at = ?",
                topic, Timestamp.from(FEBRUARY)));
    }

    private void storeAt(Instant now, String topic, List<EncodedAuditEvent> events) throws SQLException {
        AuditEventStore store = new AuditEventStore(writer, Clock.fixed(now, ZoneOffset.UTC));
        store.append(topic, 0, events.stream()
                .map(e -> new IncomingEvent(UUID.fromString(e.eventId()), now, e.json(), 0)).toList());
    }

    private boolean partitionExists(String name) {
        return new StoredEvents(owner).single("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'audit_log' AND c.relname = ?", name) == 1;
    }
}
