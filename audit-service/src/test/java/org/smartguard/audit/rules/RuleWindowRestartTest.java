package org.smartguard.audit.rules;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.smartguard.audit.support.RuleEvents.failedLogin;
import static org.smartguard.audit.support.RuleEvents.times;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;
import org.smartguard.audit.alerts.SecurityAlert;
import org.smartguard.audit.support.AlertsTopic;
import org.smartguard.audit.support.TestKafka;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A window survives a restart: the topology is stopped in the middle of a window with the subject just under the
 * threshold, its local state is deleted (so it must be restored from the changelog topics), and one more event after
 * the restart crosses the line with the events seen before it. Runs its own instance on topics of its own.
 */
@QuarkusTest
class RuleWindowRestartTest {

    @Inject
    RuleTopology topology;

    @Test
    void aWindowCountedBeforeARestartIsCompletedAfterIt() throws Exception {
        String applicationId = "audit-rules-restart-" + UUID.randomUUID();
        Path stateDir = Path.of("target", "kafka-streams-restart", applicationId);
        String user = "restart-" + UUID.randomUUID();
        Instant now = Instant.now();
        try (TestKafka kafka = new TestKafka()) {
            String source = kafka.newTopic("rules-restart", 3);
            String alertsTopic = source + ".alerts";
            Topology rules = topology.build(source, alertsTopic);

            KafkaStreams first = start(rules, applicationId, stateDir, kafka.bootstrap());
            kafka.sendAll(source, times(5, i -> failedLogin(user, "192.0.2.77", now.plusSeconds(i))));
            // the five are counted (and committed: close() commits) before the instance goes away
            await().atMost(Duration.ofSeconds(90)).until(() -> kafka.committedToEnd(applicationId, source));
            first.close(Duration.ofSeconds(30));
            deleteRecursively(stateDir);

            KafkaStreams second = start(rules, applicationId, stateDir, kafka.bootstrap());
            try (AlertsTopic alerts = new AlertsTopic(kafka.bootstrap(), alertsTopic)) {
                kafka.sendAll(source, List.of(failedLogin(user, "192.0.2.78", now.plusSeconds(10))));
                SecurityAlert alert = await().atMost(Duration.ofSeconds(90))
                        .until(() -> alerts.about("brute-force", "user:" + user), found -> !found.isEmpty()).get(0);
                assertEquals(6, alert.count());
            } finally {
                second.close(Duration.ofSeconds(30));
                second.cleanUp();
                deleteInternalTopics(kafka.bootstrap(), applicationId, alertsTopic);
            }
        }
    }

    private static KafkaStreams start(Topology topology, String applicationId, Path stateDir, String bootstrap) {
        Properties settings = new Properties();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        settings.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        settings.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        settings.put("consumer.auto.offset.reset", "earliest");
        KafkaStreams streams = new KafkaStreams(topology, settings);
        streams.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        return streams;
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static void deleteInternalTopics(String bootstrap, String applicationId, String alertsTopic) throws Exception {
        try (Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> ours = admin.listTopics().names().get().stream()
                    .filter(name -> name.startsWith(applicationId) || name.equals(alertsTopic)).toList();
            admin.deleteTopics(ours).all().get();
        }
    }
}
