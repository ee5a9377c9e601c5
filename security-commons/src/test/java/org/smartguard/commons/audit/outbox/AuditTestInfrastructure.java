package org.smartguard.commons.audit.outbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.postgresql.ds.PGSimpleDataSource;

/** The real PostgreSQL and Kafka the publisher tests run against, and small helpers around them. */
final class AuditTestInfrastructure {

    /** The suite's broker; {@code ./suite test} starts it. */
    static final String SUITE_KAFKA = env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");

    private AuditTestInfrastructure() {
    }

    static DataSource postgres() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(env("SMARTGUARD_TEST_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/audit_test"));
        dataSource.setUser(env("SMARTGUARD_TEST_DB_USER", "smartguard"));
        dataSource.setPassword(env("SMARTGUARD_TEST_DB_PASSWORD", "smartguard"));
        return dataSource;
    }

    static String uniqueName(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static void execute(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    static DurableAuditPublisher publisher(AuditOutbox outbox, String bootstrap, String topic) {
        KafkaAuditSender sender = new KafkaAuditSender(Map.of("bootstrap.servers", bootstrap), topic, Duration.ofSeconds(15));
        OutboxRelay.Settings settings = new OutboxRelay.Settings(200, Duration.ofMillis(100), Duration.ofMillis(20), Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        return new DurableAuditPublisher(outbox, sender, settings);
    }

    /** Where a service keeps its outbox: its database, or the gateway's spool directory. */
    enum OutboxKind {
        JDBC, SPOOL;

        AuditOutbox open(DataSource dataSource, String table, Path spoolDir) {
            return this == JDBC ? new JdbcAuditOutbox(dataSource, table) : new FileSpoolAuditOutbox(spoolDir, 64 * 1024);
        }
    }

    /**
     * Reads the topic from the beginning, handing each record to {@code sink}, until {@code done} holds or the
     * deadline passes; returns every record read.
     */
    static List<ConsumerRecord<String, String>> readTopic(String bootstrap, String topic, Duration deadline,
            java.util.function.Consumer<ConsumerRecord<String, String>> sink, Predicate<List<ConsumerRecord<String, String>>> done) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, uniqueName("test-reader-"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long end = System.nanoTime() + deadline.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            while (!done.test(records) && System.nanoTime() < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record);
                    sink.accept(record);
                }
            }
        }
        return records;
    }

    static String eventIdHeader(ConsumerRecord<String, String> record) {
        return new String(record.headers().lastHeader(KafkaAuditSender.EVENT_ID_HEADER).value(), StandardCharsets.UTF_8);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
