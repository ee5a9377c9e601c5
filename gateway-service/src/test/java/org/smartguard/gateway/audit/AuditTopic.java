package org.smartguard.gateway.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import io.vertx.core.json.JsonObject;

/**
 * Reads the test audit topic from where it ends when opened, so a test sees only events published after it
 * started, however long the topic is.
 */
public final class AuditTopic implements AutoCloseable {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** One audit event as it arrived: the Kafka key and the AuditEvent JSON. */
    public record Received(String key, JsonObject event) {
    }

    private final KafkaConsumer<String, String> consumer;
    /** Everything read so far: one poll may bring the events of several awaits. */
    private final List<ConsumerRecord<String, String>> read = new ArrayList<>();

    private AuditTopic(KafkaConsumer<String, String> consumer) {
        this.consumer = consumer;
    }

    public static AuditTopic fromNow() {
        var config = ConfigProvider.getConfig();
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getValue("kafka.bootstrap.servers", String.class),
                ConsumerConfig.GROUP_ID_CONFIG, "gateway-audit-test-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        String topic = config.getValue("smartguard.audit.topic", String.class);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, DEADLINE).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return new AuditTopic(consumer);
    }

    /** Waits for the event whose JSON contains {@code fragment} (e.g. a unique request id). */
    public Received awaitEventContaining(String fragment) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int searched = 0;
        while (System.nanoTime() < deadline) {
            for (; searched < read.size(); searched++) {
                ConsumerRecord<String, String> record = read.get(searched);
                if (record.value().contains(fragment)) {
                    return new Received(record.key(), new JsonObject(record.value()));
                }
            }
            consumer.poll(Duration.ofMillis(200)).forEach(read::add);
        }
        throw new AssertionError("no audit event containing " + fragment + " within " + DEADLINE.toSeconds() + " s");
    }

    @Override
    public void close() {
        consumer.close();
    }
}
