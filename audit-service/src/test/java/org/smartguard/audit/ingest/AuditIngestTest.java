package org.smartguard.audit.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.audit.store.AuditEventStore;
import org.smartguard.audit.store.IncomingEvent;
import org.smartguard.audit.support.StoredEvents;
import org.smartguard.audit.support.TestEvents;
import org.smartguard.audit.support.TestKafka;
import org.smartguard.commons.audit.EncodedAuditEvent;
import org.smartguard.commons.audit.outbox.DurableAuditPublisher;
import org.smartguard.commons.audit.outbox.FileSpoolAuditOutbox;
import org.smartguard.commons.audit.outbox.KafkaAuditSender;
import org.smartguard.commons.audit.outbox.OutboxRelay;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class AuditIngestTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Inject
    IngestConsumerFactory consumers;

    @Inject
    DataSource owner;

    @Inject
    MeterRegistry registry;

    @Inject
    AuditEventStore store;

    @ConfigProperty(name = "smartguard.audit-service.topic")
    String configuredTopic;

    private final List<String> topics = new ArrayList<>();
    private TestKafka kafka;
    private StoredEvents stored;

    @BeforeEach
    void connect() {
        kafka = new TestKafka();
        stored = new StoredEvents(owner);
    }

    @AfterEach
    void forgetAndDisconnect() {
        topics.forEach(stored::forget);
        kafka.close();
    }

    private String newTopic(String purpose, int partitions) throws Exception {
        String topic = kafka.newTopic(purpose, partitions);
        topics.add(topic);
        return topic;
    }

    @Test
    void everyEventOfTheDurablePublisherIsStoredExactlyOnce() throws Exception {
        String topic = newTopic("publisher", 3);
        String group = "group-" + UUID.randomUUID();
        Path spool = Files.createTempDirectory("ingest-spool");
        var events = TestEvents.reads(300);
        try (var publisher = new DurableAuditPublisher(new FileSpoolAuditOutbox(spool, 1 << 20),
                new KafkaAuditSender(Map.of("bootstrap.servers", kafka.bootstrap()), topic, Duration.ofSeconds(30)),
                OutboxRelay.Settings.defaults());
                var consumer = consumers.start(topic, group, topic + ".dlq")) {
            events.forEach(publisher::publish);
            await().atMost(DEADLINE).until(() -> kafka.committedToEnd(group, topic) && stored.count(topic) == 300);
        }
        Set<String> published = events.stream().map(e -> e.getIdElement().getIdPart()).collect(Collectors.toSet());
        Map<String, Integer> rows = stored.rowsPerEventId(topic);
        assertEquals(published, rows.keySet());
        assertTrue(rows.values().stream().allMatch(count -> count == 1), "every event stored once");
        assertEquals(3, stored.single("SELECT count(DISTINCT source_partition) FROM audit_log.events WHERE topic = ?", topic),
                "the events were spread over the topic's partitions");
    }

    @Test
    void redeliveredEventsWithTheSameIdAreStoredOnce() throws Exception {
        String topic = newTopic("redelivery", 3);
        String group = "group-" + UUID.randomUUID();
        List<EncodedAuditEvent> events = TestEvents.encodedReads(50);
        kafka.sendAll(topic, events);
        kafka.sendAll(topic, events);
        try (var consumer = consumers.start(topic, group, topic + ".dlq")) {
            await().atMost(DEADLINE).until(() -> kafka.committedToEnd(group, topic));
        }
        Map<String, Integer> rows = stored.rowsPerEventId(topic);
        assertEquals(50, rows.size());
        assertTrue(rows.values().stream().allMatch(count -> count == 1), "every event stored once");
        assertEquals(50.0, metric("audit.ingest.events.stored", topic));
        assertEquals(50.0, metric("audit.ingest.events.duplicate", topic));
        assertEquals(0.0, metric("audit.ingest.events.dead.lettered", topic), "redelivery is not an error");
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicWithTheReasonAndTheFollowingEventsAreStored() throws Exception {
        String topic = newTopic("malformed", 1);
        String dlq = topic + ".dlq";
        String group = "group-" + UUID.randomUUID();
        List<EncodedAuditEvent> valid = TestEvents.encodedReads(3);
        EncodedAuditEvent other = TestEvents.encodedReads(1).get(0);
        String withoutRequestor = valid.get(0).json().replace("\"requestor\":true", "\"requestor\":false");
        kafka.send(topic, valid.get(0));
        kafka.send(topic, "k", new byte[] {(byte) 0xC3, (byte) 0x28}, UUID.randomUUID().toString());
        kafka.send(topic, "k", "{not json".getBytes(StandardCharsets.UTF_8), UUID.randomUUID().toString());
        kafka.send(topic, "k", withoutRequestor.getBytes(StandardCharsets.UTF_8), valid.get(0).eventId());
        kafka.send(topic, "k", other.json().getBytes(StandardCharsets.UTF_8), UUID.randomUUID().toString());
        kafka.send(topic, "k", other.json().getBytes(StandardCharsets.UTF_8), null);
        kafka.send(topic, valid.get(1));
        kafka.send(topic, valid.get(2));

        try (var consumer = consumers.start(topic, group, dlq)) {
            await().atMost(DEADLINE).until(() -> kafka.committedToEnd(group, topic));
        }

        assertEquals(Set.of(valid.get(0).eventId(), valid.get(1).eventId(), valid.get(2).eventId()),
                stored.rowsPerEventId(topic).keySet(), "the valid events, and only they, are stored");
        assertEquals(5.0, metric("audit.ingest.events.dead.lettered", topic));
        List<ConsumerRecord<byte[], byte[]>> letters = kafka.readAll(dlq, 5);
        assertEquals(5, letters.size());
        assertEquals(List.of("1", "2", "3", "4", "5"),
                letters.stream().map(r -> TestKafka.header(r, DeadLetterPublisher.SOURCE_OFFSET_HEADER)).toList());
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            assertEquals(topic, TestKafka.header(letter, DeadLetterPublisher.SOURCE_TOPIC_HEADER));
            assertEquals("0", TestKafka.header(letter, DeadLetterPublisher.SOURCE_PARTITION_HEADER));
            assertEquals("k", new String(letter.key(), StandardCharsets.UTF_8));
        }
        assertEquals("not UTF-8", TestKafka.header(letters.get(0), DeadLetterPublisher.REASON_HEADER));
        assertTrue(Arrays.equals(new byte[] {(byte) 0xC3, (byte) 0x28}, letters.get(0).value()),
                "the original bytes are kept");
        assertTrue(TestKafka.header(letters.get(1), DeadLetterPublisher.REASON_HEADER).startsWith("not a FHIR R4 AuditEvent"));
        assertTrue(TestKafka.header(letters.get(2), DeadLetterPublisher.REASON_HEADER).contains("requestor"));
        assertTrue(TestKafka.header(letters.get(3), DeadLetterPublisher.REASON_HEADER).contains("is not the event's id"));
        assertEquals("no event-id header", TestKafka.header(letters.get(4), DeadLetterPublisher.REASON_HEADER));
        assertEquals(other.json(), new String(letters.get(4).value(), StandardCharsets.UTF_8));
    }

    @Test
    void whileTheDeadLetterTopicCannotBeWrittenTheMalformedRecordsOffsetIsNotCommitted() throws Exception {
        String topic = newTopic("dlq-down", 1);
        String group = "group-" + UUID.randomUUID();
        EncodedAuditEvent valid = TestEvents.encodedReads(1).get(0);
        kafka.send(topic, valid);
        kafka.send(topic, "k", "{not json".getBytes(StandardCharsets.UTF_8), UUID.randomUUID().toString());
        // an illegal topic name: every dead-letter write fails
        try (var consumer = consumers.start(topic, group, "illegal dead letter topic!")) {
            await().atMost(DEADLINE).until(() -> registry.find("audit.ingest.batches.failed").tag("topic", topic).counter() != null
                    && registry.get("audit.ingest.batches.failed").tag("topic", topic).counter().count() >= 2);
            assertFalse(kafka.committedToEnd(group, topic), "nothing is committed past a record neither stored nor dead-lettered");
        }
        assertEquals(0, stored.count(topic), "the batch was not stored either: dead letters go first");
        try (var consumer = consumers.start(topic, group, topic + ".dlq")) {
            await().atMost(DEADLINE).until(() -> kafka.committedToEnd(group, topic));
        }
        assertEquals(Set.of(valid.eventId()), stored.rowsPerEventId(topic).keySet());
        assertEquals(1, kafka.readAll(topic + ".dlq", 1).size());
    }

    @Test
    void aConsumerClosedMidStreamAndStartedAgainLosesAndDuplicatesNothing() throws Exception {
        String topic = newTopic("restart", 3);
        String group = "group-" + UUID.randomUUID();
        List<EncodedAuditEvent> events = TestEvents.encodedReads(10_000);
        kafka.sendAll(topic, events);
        // a previous instance stored these and died before committing their offsets: they are read again
        for (EncodedAuditEvent event : events.subList(0, 100)) {
            store.append(topic, kafka.partitionOf(event, 3), List.of(new IncomingEvent(UUID.fromString(event.eventId()),
                    Instant.now(), event.json(), 0)));
        }
        try (var first = consumers.start(topic, group, topic + ".dlq")) {
            await().atMost(DEADLINE).until(() -> stored.count(topic) >= 200);
        }
        long storedByFirst = stored.count(topic);
        try (var second = consumers.start(topic, group, topic + ".dlq")) {
            await().atMost(DEADLINE).until(() -> kafka.committedToEnd(group, topic));
        }
        assertTrue(storedByFirst < 10_000, "the first consumer was stopped mid-stream (stored " + storedByFirst + ")");
        assertEveryEventStoredOnce(topic, events);
    }

    @Test
    void twoInstancesInOneGroupShareThePartitionsThroughARebalanceWithoutDuplicates() throws Exception {
        String topic = newTopic("rebalance", 3);
        String group = "group-" + UUID.randomUUID();
        List<EncodedAuditEvent> events = TestEvents.encodedReads(3000);
        kafka.sendAll(topic, events.subList(0, 1500));
        try (var first = consumers.start(topic, group, topic + ".dlq")) {
            await().atMost(DEADLINE).until(() -> stored.count(topic) >= 100);
            try (var second = consumers.start(topic, group, topic + ".dlq")) {
                kafka.sendAll(topic, events.subList(1500, 3000));
                await().atMost(DEADLINE).until(() -> kafka.committedToEnd(group, topic));
            }
        }
        assertEveryEventStoredOnce(topic, events);
    }

    @Test
    void theServiceConsumesItsConfiguredTopic() throws Exception {
        EncodedAuditEvent event = TestEvents.encodedReads(1).get(0);
        topics.add(configuredTopic);
        kafka.send(configuredTopic, event);
        await().atMost(DEADLINE).until(() -> stored.single(
                "SELECT count(*) FROM audit_log.events WHERE topic = ? AND event_id = CAST(? AS uuid)",
                configuredTopic, event.eventId()) == 1);
    }

    private double metric(String name, String topic) {
        return registry.get(name).tag("topic", topic).counter().count();
    }

    private void assertEveryEventStoredOnce(String topic, List<EncodedAuditEvent> events) {
        Map<String, Integer> rows = stored.rowsPerEventId(topic);
        assertEquals(events.stream().map(EncodedAuditEvent::eventId).collect(Collectors.toCollection(HashSet::new)),
                rows.keySet(), "nothing lost");
        assertTrue(rows.values().stream().allMatch(count -> count == 1), "nothing duplicated");
        assertEquals(events.size(), stored.count(topic));
    }
}
