package org.smartguard.audit.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes refused records to the dead-letter topic with their original key, value and headers, plus the reason and
 * where they came from, and returns only once Kafka acknowledged every one ({@code acks=all}, idempotent), so the
 * source offset is never committed past a record that is neither stored nor dead-lettered.
 */
public class DeadLetterPublisher implements AutoCloseable {

    public static final String REASON_HEADER = "dlq-reason";
    public static final String SOURCE_TOPIC_HEADER = "dlq-source-topic";
    public static final String SOURCE_PARTITION_HEADER = "dlq-source-partition";
    public static final String SOURCE_OFFSET_HEADER = "dlq-source-offset";
    private static final long ACK_TIMEOUT_MS = 30_000;

    private final Map<String, Object> settings;
    private final String topic;
    private Producer<byte[], byte[]> producer;

    public DeadLetterPublisher(Map<String, Object> kafkaSettings, String topic, String clientId) {
        Map<String, Object> settings = new HashMap<>(kafkaSettings);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.settings = Map.copyOf(settings);
        this.topic = topic;
    }

    public void publish(List<DeadLetter> letters) throws Exception {
        if (producer == null) {
            producer = new KafkaProducer<>(settings);
        }
        try {
            send(letters);
        } catch (Exception e) {
            // a producer left in a fatal state by an outage is replaced, so the next attempt can succeed
            close();
            throw e;
        }
    }

    private void send(List<DeadLetter> letters) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            var source = letter.record();
            ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, source.key(), source.value());
            for (Header header : source.headers()) {
                out.headers().add(header);
            }
            out.headers().add(REASON_HEADER, utf8(letter.reason()));
            out.headers().add(SOURCE_TOPIC_HEADER, utf8(source.topic()));
            out.headers().add(SOURCE_PARTITION_HEADER, utf8(Integer.toString(source.partition())));
            out.headers().add(SOURCE_OFFSET_HEADER, utf8(Long.toString(source.offset())));
            acks.add(producer.send(out));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MS);
        for (Future<RecordMetadata> ack : acks) {
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
