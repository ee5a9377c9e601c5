import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.EncodedAuditEvent;
import org.smartguard.commons.audit.outbox.KafkaAuditSender;

/**
 * The audit benchmark's driver (issue 6). {@code create BOOTSTRAP TOPIC PARTITIONS} makes the topic.
 * {@code run BOOTSTRAP TOPIC ALERTS_TOPIC RULES_GROUP JDBC_URL EVENTS} publishes EVENTS audit events shaped by the
 * shared AuditEventBuilder contract (200 practitioners each reading a handful of patients), with three snooping bursts
 * (60 distinct patients, over the threshold of 50) at a quarter, half and three quarters of the run, then measures:
 * events stored per second (publication of the first to the last one stored), events checked by the rules per
 * second (until the Streams group's committed offsets reach the end), and for each burst the delay from publishing
 * the event that crossed the threshold to its alert arriving on the alerts topic. Prints BenchReport TSV rows.
 */
public class AuditLoad {

    private static final String ISSUER = "http://localhost:8080/auth";
    private static final AuditEventCodec CODEC = new AuditEventCodec();
    private static final int BURST = 60;
    private static final int THRESHOLD = 50;

    public static void main(String[] args) throws Exception {
        if (args[0].equals("create")) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", args[1]))) {
                admin.createTopics(List.of(new NewTopic(args[2], Integer.parseInt(args[3]), (short) 1))).all().get();
            }
            return;
        }
        String bootstrap = args[1], topic = args[2], alertsTopic = args[3], rulesGroup = args[4], jdbc = args[5];
        int events = Integer.parseInt(args[6]);
        Map<String, Long> crossedAt = new ConcurrentHashMap<>();
        Map<String, Long> alertedAt = new ConcurrentHashMap<>();
        Thread alerts = new Thread(() -> readAlerts(bootstrap, alertsTopic, alertedAt));
        alerts.setDaemon(true);
        alerts.start();

        Properties producerSettings = new Properties();
        producerSettings.put("bootstrap.servers", bootstrap);
        producerSettings.put("acks", "all");
        producerSettings.put("linger.ms", "5");
        producerSettings.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        producerSettings.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        long sent = 0;
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerSettings)) {
            for (int i = 0; i < events; i++) {
                int user = i % 200;
                send(producer, topic, read("pr-" + user, "p-" + (user * 7 + i % 5), "10.20." + (user / 250) + "." + (user % 250)));
                sent++;
                if (i == events / 4 || i == events / 2 || i == 3 * events / 4) {
                    String snooper = "snooper-" + i;
                    for (int p = 0; p < BURST; p++) {
                        var future = send(producer, topic, read(snooper, "snooped-" + i + "-" + p, "10.30.0.1"));
                        sent++;
                        if (p == THRESHOLD) {
                            // the event that crosses the threshold: the clock starts when Kafka acknowledged it
                            future.get();
                            crossedAt.put(snooper, System.nanoTime());
                        }
                    }
                }
            }
            producer.flush();
        }
        long published = System.nanoTime();
        long stored = waitStored(jdbc, sent);
        long checked = waitChecked(bootstrap, topic, rulesGroup);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (alertedAt.size() < crossedAt.size() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        List<Double> delays = new ArrayList<>();
        crossedAt.forEach((snooper, at) -> {
            Long alerted = alertedAt.get(snooper);
            if (alerted != null) {
                delays.add((alerted - at) / 1e6);
            }
        });
        Collections.sort(delays);
        System.err.printf("published %d events in %.1f s; stored after %.1f s; checked after %.1f s; alert delays (ms) %s%n", sent,
                (published - start) / 1e9, (stored - start) / 1e9, (checked - start) / 1e9, delays);
        System.out.printf("events stored (validated, hash-chained)\t%.0f\t0\t0\t0\t0%n", sent / ((stored - start) / 1e9));
        System.out.printf("events checked by the 8 rules\t%.0f\t0\t0\t0\t0%n", sent / ((checked - start) / 1e9));
        System.out.printf("publication to snooping alert\t0\t%.1f\t%.1f\t%.1f\t%d%n", pick(delays, 0.5), pick(delays, 0.9),
                pick(delays, 0.99), crossedAt.size() - delays.size());
    }

    private static double pick(List<Double> sorted, double quantile) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
    }

    private static EncodedAuditEvent read(String user, String patient, String address) {
        return CODEC.encode(AuditEventBuilder.event(AuditEventType.REST_READ, "fhir-service").recorded(Instant.now())
                .user(ISSUER, user, "Practitioner/" + user).client("bench-app", address).server("http://localhost:8080/fhir")
                .patient(patient).resource("Observation/" + patient + "-1").buildOne());
    }

    private static java.util.concurrent.Future<?> send(KafkaProducer<String, String> producer, String topic, EncodedAuditEvent event) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, event.key(), event.json());
        record.headers().add(KafkaAuditSender.EVENT_ID_HEADER, event.eventId().getBytes(StandardCharsets.UTF_8));
        return producer.send(record);
    }

    private static long waitStored(String jdbc, long expected) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbc, "smartguard", "smartguard");
                Statement count = connection.createStatement()) {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < deadline) {
                try (ResultSet rows = count.executeQuery("SELECT count(*) FROM audit_log.event_ids")) {
                    rows.next();
                    if (rows.getLong(1) >= expected) {
                        return System.nanoTime();
                    }
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("not every event was stored within 10 minutes");
    }

    private static long waitChecked(String bootstrap, String topic, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < deadline) {
                var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                boolean done = ends.entrySet().stream().allMatch(end -> committed.get(end.getKey()) != null
                        && committed.get(end.getKey()).offset() >= end.getValue().offset());
                if (done) {
                    return System.nanoTime();
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the rules did not catch up within 10 minutes");
    }

    private static void readAlerts(String bootstrap, String topic, Map<String, Long> alertedAt) {
        Properties settings = new Properties();
        settings.put("bootstrap.servers", bootstrap);
        settings.put("group.id", "bench-alert-reader-" + System.nanoTime());
        settings.put("auto.offset.reset", "earliest");
        settings.put("isolation.level", "read_committed");
        settings.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        settings.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings)) {
            consumer.subscribe(List.of(topic));
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                    int at = record.value().indexOf("snooper-");
                    if (record.value().contains("\"snooping\"") && at >= 0) {
                        String snooper = record.value().substring(at).replaceAll("^(snooper-\\d+).*", "$1");
                        alertedAt.putIfAbsent(snooper, System.nanoTime());
                    }
                }
            }
        }
    }
}
