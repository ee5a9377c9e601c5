package org.smartguard.audit.support;

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
import org.smartguard.audit.alerts.SecurityAlert;

import com.fasterxml.jackson.databind.ObjectMapper;

/** An independent reader of an alerts topic (its own group, committed transactions only), as a SIEM would read it. */
public final class AlertsTopic implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final ObjectMapper json = new ObjectMapper();
    private final List<SecurityAlert> seen = new ArrayList<>();

    public AlertsTopic(String bootstrap, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "alerts-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        consumer.subscribe(List.of(topic));
    }

    /** Every alert of the rule about the subject read so far, after one more poll. */
    public List<SecurityAlert> about(String rule, String subject) {
        poll();
        return seen.stream().filter(alert -> alert.rule().equals(rule) && alert.subject().equals(subject)).toList();
    }

    /** Reads on until the consumer stands at the end of every partition (committed records only). */
    public void readToEnd() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            poll();
            if (consumer.assignment().isEmpty()) {
                continue;
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
            if (ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
                return;
            }
        }
        throw new AssertionError("the alerts topic was not read to its end within 60 s");
    }

    private void poll() {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            try {
                seen.add(json.readValue(record.value(), SecurityAlert.class));
            } catch (Exception e) {
                throw new AssertionError("not an alert on the alerts topic: " + record.value(), e);
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
