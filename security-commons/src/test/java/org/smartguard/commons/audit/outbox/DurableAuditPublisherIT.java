package org.smartguard.commons.audit.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smartguard.commons.audit.outbox.AuditTestInfrastructure.SUITE_KAFKA;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.audit.AuditEventRejectedException;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.outbox.AuditTestInfrastructure.OutboxKind;

/** The durable publisher against a real Kafka broker and a real PostgreSQL. */
class DurableAuditPublisherIT {

    private final DataSource postgres = AuditTestInfrastructure.postgres();
    private final String outboxTable = AuditTestInfrastructure.uniqueName("outbox_");
    private final String consumedTable = AuditTestInfrastructure.uniqueName("consumed_");
    private final String topic = AuditTestInfrastructure.uniqueName("audit-events-test-");

    @TempDir
    Path temp;

    @AfterEach
    void dropTables() {
        AuditTestInfrastructure.execute(postgres, "DROP TABLE IF EXISTS " + outboxTable);
        AuditTestInfrastructure.execute(postgres, "DROP TABLE IF EXISTS " + consumedTable);
    }

    @ParameterizedTest
    @EnumSource(OutboxKind.class)
    void thousandPublishedEventsAreAllReadBackFromTheTopic(OutboxKind kind) throws Exception {
        AuditTestInfrastructure.createTopic(SUITE_KAFKA, topic, 3);
        List<AuditEvent> events = patientReads(1000);

        try (DurableAuditPublisher publisher = AuditTestInfrastructure.publisher(kind.open(postgres, outboxTable, temp), SUITE_KAFKA, topic)) {
            events.forEach(publisher::publish);

            List<ConsumerRecord<String, String>> records = AuditTestInfrastructure.readTopic(SUITE_KAFKA, topic,
                    Duration.ofSeconds(60), record -> { }, read -> read.size() >= events.size());

            assertEquals(ids(events), records.stream().map(AuditTestInfrastructure::eventIdHeader).collect(Collectors.toSet()));
            AuditEventCodec codec = new AuditEventCodec();
            for (ConsumerRecord<String, String> record : records) {
                AuditEvent received = codec.decode(record.value());
                assertEquals(AuditTestInfrastructure.eventIdHeader(record), received.getIdElement().getIdPart());
                assertEquals(AuditEventCodec.keyOf(received), record.key(), "the key is the patient");
            }
            awaitNothingPending(publisher);
        }
    }

    @ParameterizedTest
    @EnumSource(OutboxKind.class)
    void eventsPublishedWhileKafkaIsDownArriveOnceAfterTheServiceAndKafkaRestart(OutboxKind kind) throws Exception {
        Path spool = temp.resolve("spool");
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.format(java.nio.file.Files.createDirectories(temp.resolve("kafka")))) {
            broker.start();
            AuditTestInfrastructure.createTopic(broker.bootstrapServers(), topic, 3);
            broker.stop();

            List<AuditEvent> events = patientReads(500);
            try (DurableAuditPublisher publisher = AuditTestInfrastructure.publisher(kind.open(postgres, outboxTable, spool),
                    broker.bootstrapServers(), topic)) {
                events.forEach(publisher::publish);
                assertEquals(500, publisher.pendingEvents(), "every event waits in the outbox while Kafka is down");
            } // the service stops here, with Kafka still down

            broker.start();
            AuditTestInfrastructure.execute(postgres, "CREATE TABLE " + consumedTable + " (event_id varchar(64) PRIMARY KEY, payload text NOT NULL)");
            try (DurableAuditPublisher restarted = AuditTestInfrastructure.publisher(kind.open(postgres, outboxTable, spool),
                    broker.bootstrapServers(), topic)) {
                List<ConsumerRecord<String, String>> records = AuditTestInfrastructure.readTopic(broker.bootstrapServers(), topic,
                        Duration.ofSeconds(90), this::storeIdempotently, read -> storedIds().size() >= events.size());

                Set<String> stored = storedIds();
                assertEquals(ids(events), stored, "all 500 events reached the consumer's store");
                assertEquals(500, countStoredRows(), "no event id is stored twice");
                assertTrue(records.size() >= 500);
                awaitNothingPending(restarted);
            }
        }
    }

    @Test
    void eventThatBreaksTheContractIsRejectedWithAClearErrorAndTheRestStillGo() throws Exception {
        AuditTestInfrastructure.createTopic(SUITE_KAFKA, topic, 3);
        List<AuditEventBuilder> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(patientRead(i));
        }
        // nobody asked: neither a user nor a client
        batch.add(5, AuditEventBuilder.event(AuditEventType.REST_READ, "test-service").patient("patient-x"));
        AuditEvent undated = patientRead(0).buildOne();
        undated.setRecorded(null);

        try (DurableAuditPublisher publisher = AuditTestInfrastructure.publisher(OutboxKind.JDBC.open(postgres, outboxTable, temp),
                SUITE_KAFKA, topic)) {
            AuditEventRejectedException error = assertThrows(AuditEventRejectedException.class, () -> publisher.publishAll(batch));
            assertEquals("1 of 11 audit events rejected, the others were stored: audit event of test-service rejected: "
                    + "exactly one agent must be the requestor (found 0)", error.getMessage());
            error = assertThrows(AuditEventRejectedException.class, () -> publisher.publish(undated));
            assertEquals("audit event " + undated.getIdElement().getIdPart() + " rejected: recorded is required", error.getMessage());

            List<ConsumerRecord<String, String>> records = AuditTestInfrastructure.readTopic(SUITE_KAFKA, topic,
                    Duration.ofSeconds(60), record -> { }, read -> read.size() >= 10);
            Pattern resource = Pattern.compile("Observation/obs-\\d+");
            Set<String> delivered = records.stream().map(record -> resource.matcher(record.value()))
                    .filter(Matcher::find).map(Matcher::group).collect(Collectors.toSet());
            assertEquals(IntStream.range(0, 10).mapToObj(i -> "Observation/obs-" + i).collect(Collectors.toSet()), delivered);
            assertEquals(10, records.size(), "neither rejected event was delivered");
            awaitNothingPending(publisher);
        }
    }

    private static List<AuditEvent> patientReads(int count) {
        List<AuditEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(patientRead(i).buildOne());
        }
        return events;
    }

    private static AuditEventBuilder patientRead(int i) {
        return AuditEventBuilder.event(AuditEventType.REST_READ, "test-service")
                .user("http://localhost:8080/auth", "user-" + (i % 7), null)
                .client("demo-app", "127.0.0.1")
                .patient("patient-" + (i % 25))
                .resource("Observation/obs-" + i);
    }

    private static Set<String> ids(List<AuditEvent> events) {
        return events.stream().map(e -> e.getIdElement().getIdPart()).collect(Collectors.toSet());
    }

    /** What the audit-service does with a delivery: store by event id, ignoring a redelivered one. */
    private void storeIdempotently(ConsumerRecord<String, String> record) {
        try (Connection connection = postgres.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO " + consumedTable + " (event_id, payload) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING")) {
            insert.setString(1, AuditTestInfrastructure.eventIdHeader(record));
            insert.setString(2, record.value());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Set<String> storedIds() {
        Set<String> ids = new HashSet<>();
        try (Connection connection = postgres.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT event_id FROM " + consumedTable);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    private long countStoredRows() throws SQLException {
        try (Connection connection = postgres.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM " + consumedTable);
                ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void awaitNothingPending(DurableAuditPublisher publisher) {
        org.awaitility.Awaitility.await("outbox emptied after Kafka acknowledged")
                .atMost(Duration.ofSeconds(30))
                .until(() -> publisher.pendingEvents() == 0);
    }
}
