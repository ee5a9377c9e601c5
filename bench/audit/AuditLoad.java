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
import java.util.concurrent.locks.LockSupport;

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
 * {@code run BOOTSTRAP TOPIC ALERTS_TOPIC RULES_GROUP JDBC_URL EVENTS RATE SECONDS BURSTS} runs two phases of audit
 * events shaped by the shared AuditEventBuilder contract (200 practitioners each reading a handful of patients), with
 * snooping bursts in them (one practitioner reading 60 distinct patients, over the threshold of 50):
 * <ol>
 * <li>saturation: EVENTS events (three bursts) as fast as the producer goes; measures events stored per second
 * (publication of the first to the last one stored) and events checked by the rules per second (until the Streams
 * group's committed offsets reach the end). Its alert delays mostly measure the backlog, so they are reported apart.
 * <li>paced: RATE events/s (0 = half the slower of the two saturation throughputs) for SECONDS seconds with BURSTS
 * bursts evenly spread; the delay from Kafka acknowledging the event that crossed the threshold to its alert arriving
 * on the alerts topic, at a load the service keeps up with.
 * </ol>
 * Prints BenchReport TSV rows.
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
        int rate = Integer.parseInt(args[7]);
        int seconds = Integer.parseInt(args[8]);
        int bursts = Integer.parseInt(args[9]);
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
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerSettings)) {
            // phase 1: saturation
            long sent = 0;
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                sent += send(producer, topic, i, crossedAt);
                if (i == events / 4 || i == events / 2 || i == 3 * events / 4) {
                    sent += burst(producer, topic, "snooper-s" + i, crossedAt);
                }
            }
            producer.flush();
            long published = System.nanoTime();
            long stored = waitStored(jdbc, sent);
            long checked = waitChecked(bootstrap, topic, rulesGroup);
            List<Double> saturationDelays = awaitAlerts(crossedAt, alertedAt);
            double storedRate = sent / ((stored - start) / 1e9), checkedRate = sent / ((checked - start) / 1e9);
            System.err.printf("saturation: published %d events in %.1f s; stored after %.1f s; checked after %.1f s;"
                    + " alert delays (ms) %s%n", sent, (published - start) / 1e9, (stored - start) / 1e9,
                    (checked - start) / 1e9, saturationDelays);

            // phase 2: paced, at a rate the service keeps up with
            int paced = rate > 0 ? rate : (int) Math.max(1, Math.min(storedRate, checkedRate) / 2);
            crossedAt.clear();
            long total = (long) paced * seconds;
            long burstEvery = Math.max(total / bursts, 2L * BURST);
            long pacedStart = System.nanoTime();
            long due = pacedStart;
            int burstsSent = 0;
            for (long i = 0; i < total; i++) {
                due = pace(due, paced);
                if (i % burstEvery == burstEvery / 2 && burstsSent++ < bursts) {
                    String snooper = "snooper-p" + i;
                    for (int p = 0; p < BURST; p++) {
                        if (p > 0) {
                            due = pace(due, paced);
                        }
                        sent += snoop(producer, topic, snooper, p, crossedAt);
                    }
                    i += BURST - 1;
                } else {
                    sent += send(producer, topic, (int) i, crossedAt);
                }
            }
            producer.flush();
            long pacedPublished = System.nanoTime();
            long pacedStored = waitStored(jdbc, sent);
            long pacedChecked = waitChecked(bootstrap, topic, rulesGroup);
            List<Double> pacedDelays = awaitAlerts(crossedAt, alertedAt);
            System.err.printf("paced: %d events/s for %.1f s; every event stored %.2f s and checked %.2f s after the"
                    + " last was published; alert delays (ms) %s%n", paced, (pacedPublished - pacedStart) / 1e9,
                    Math.max(0, pacedStored - pacedPublished) / 1e9, Math.max(0, pacedChecked - pacedPublished) / 1e9,
                    pacedDelays);

            System.out.printf("events stored (validated, hash-chained), saturation\t%.0f\t0\t0\t0\t0%n", storedRate);
            System.out.printf("events checked by the 8 rules, saturation\t%.0f\t0\t0\t0\t0%n", checkedRate);
            System.out.printf("publication to snooping alert, saturation (behind the backlog)\t0\t%.1f\t%.1f\t%.1f\t%d%n",
                    pick(saturationDelays, 0.5), pick(saturationDelays, 0.9), pick(saturationDelays, 0.99),
                    3 - saturationDelays.size());
            System.out.printf("publication to snooping alert at %d events/s (%d bursts)\t0\t%.1f\t%.1f\t%.1f\t%d%n", paced,
                    crossedAt.size(), pick(pacedDelays, 0.5), pick(pacedDelays, 0.9), pick(pacedDelays, 0.99),
                    crossedAt.size() - pacedDelays.size());
        }
    }

    /** Waits until {@code due}, returns when the next event is due at {@code rate} events/s. */
    private static long pace(long due, int rate) {
        long wait = due - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        return due + 1_000_000_000L / rate;
    }

    /** The delays (ms, sorted) of the bursts whose alert arrived, waiting up to a minute for the missing ones. */
    private static List<Double> awaitAlerts(Map<String, Long> crossedAt, Map<String, Long> alertedAt) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!alertedAt.keySet().containsAll(crossedAt.keySet()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return delays(crossedAt, alertedAt);
    }

    private static List<Double> delays(Map<String, Long> crossedAt, Map<String, Long> alertedAt) {
        List<Double> delays = new ArrayList<>();
        crossedAt.forEach((snooper, at) -> {
            Long alerted = alertedAt.get(snooper);
            if (alerted != null) {
                delays.add((alerted - at) / 1e6);
            }
        });
        Collections.sort(delays);
        return delays;
    }

    /** One ordinary read; returns the number of events sent (1). */
    private static int send(KafkaProducer<String, String> producer, String topic, int i, Map<String, Long> crossedAt) {
        int user = i % 200;
        send(producer, topic, read("pr-" + user, "p-" + (user * 7 + i % 5), "10.20." + (user / 250) + "." + (user % 250)), null, crossedAt);
        return 1;
    }

    /** A whole burst at once (saturation phase); returns the number of events sent. */
    private static int burst(KafkaProducer<String, String> producer, String topic, String snooper, Map<String, Long> crossedAt) {
        for (int p = 0; p < BURST; p++) {
            snoop(producer, topic, snooper, p, crossedAt);
        }
        return BURST;
    }

    /** The snooper's read of its p-th distinct patient; the clock starts when Kafka acknowledged the crossing one. */
    private static int snoop(KafkaProducer<String, String> producer, String topic, String snooper, int p, Map<String, Long> crossedAt) {
        send(producer, topic, read(snooper, "snooped-" + snooper.substring("snooper-".length()) + "-" + p, "10.30.0.1"), p == THRESHOLD ? snooper : null, crossedAt);
        return 1;
    }

    private static double pick(List<Double> sorted, double quantile) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
    }

    private static EncodedAuditEvent read(String user, String patient, String address) {
        return CODEC.encode(AuditEventBuilder.event(AuditEventType.REST_READ, "fhir-service").recorded(Instant.now())
                .user(ISSUER, user, "Practitioner/" + user).client("bench-app", address).server("http://localhost:8080/fhir")
                .patient(patient).resource("Observation/" + patient + "-1").buildOne());
    }

    private static void send(KafkaProducer<String, String> producer, String topic, EncodedAuditEvent event, String crossing,
            Map<String, Long> crossedAt) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, event.key(), event.json());
        record.headers().add(KafkaAuditSender.EVENT_ID_HEADER, event.eventId().getBytes(StandardCharsets.UTF_8));
        producer.send(record, (metadata, error) -> {
            if (crossing != null && error == null) {
                crossedAt.put(crossing, System.nanoTime());
            }
        });
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
                        String snooper = record.value().substring(at).replaceAll("^(snooper-[sp]\\d+).*", "$1");
                        alertedAt.putIfAbsent(snooper, System.nanoTime());
                    }
                }
            }
        }
    }
}
