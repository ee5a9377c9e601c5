package org.smartguard.auth.authorize;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.smartguard.commons.audit.AuditCodes;

/** Reads the test audit topic, where the auth-service's events arrive through the durable publisher. */
public final class AuditTrail {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private AuditTrail() {
    }

    /** The JSON of an event's subtype in this suite's code system, e.g. {@code consent-granted}. */
    public static String subtype(String code) {
        return "\"system\":\"" + AuditCodes.SMARTGUARD_SUBTYPE + "\",\"code\":\"" + code + "\"";
    }

    /** Waits for an event mentioning every one of {@code fragments} (e.g. a unique username and an outcome code). */
    public static String awaitEventContaining(String... fragments) {
        var config = ConfigProvider.getConfig();
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getValue("kafka.bootstrap.servers", String.class),
                ConsumerConfig.GROUP_ID_CONFIG, "authorize-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.subscribe(List.of(config.getValue("smartguard.audit.topic", String.class)));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (List.of(fragments).stream().allMatch(record.value()::contains)) {
                        return record.value();
                    }
                }
            }
        }
        throw new AssertionError("no audit event containing " + List.of(fragments) + " within " + DEADLINE.toSeconds() + " s");
    }
}
