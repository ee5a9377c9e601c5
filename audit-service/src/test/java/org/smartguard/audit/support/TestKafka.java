package org.smartguard.audit.support;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.ConfigProvider;
import org.smartguard.commons.audit.EncodedAuditEvent;
import org.smartguard.commons.audit.outbox.KafkaAuditSender;

/** The real broker as the tests use it: topics of their own, raw records in, committed offsets and records out. */
public final class TestKafka implements AutoCloseable {

    private final String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    private final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    private final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));

    private final List<String> created = new ArrayList<>();

    public String bootstrap() {
        return bootstrap;
    }

    /** A new topic with a unique name. */
    public String newTopic(String purpose, int partitions) throws Exception {
        String name = "test.ingest-" + purpose + "-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        created.add(name);
        // creation returns before every partition has a leader; a send before that waits on metadata retries
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeTopics(List.of(name)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(name).partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        return name;
    }

    /** Sends a record as a publisher would: key, value and the event-id header. */
    public void send(String topic, EncodedAuditEvent event) throws Exception {
        send(topic, event.key(), event.json().getBytes(StandardCharsets.UTF_8), event.eventId());
    }

    /** Sends every event, then waits for all acknowledgements. */
    public void sendAll(String topic, List<EncodedAuditEvent> events) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
        for (EncodedAuditEvent event : events) {
            acks.add(producer.send(record(topic, null, event.key(), event.json().getBytes(StandardCharsets.UTF_8), event.eventId())));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
    }

    /** Sends any record, valid or not; a null {@code eventIdHeader} sends none. */
    public void send(String topic, String key, byte[] value, String eventIdHeader) throws Exception {
        producer.send(record(topic, null, key, value, eventIdHeader)).get(30, TimeUnit.SECONDS);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, Integer partition, String key, byte[] value,
            String eventIdHeader) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
        if (eventIdHeader != null) {
            record.headers().add(KafkaAuditSender.EVENT_ID_HEADER, eventIdHeader.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    /** The partition Kafka's default partitioner gives the event's key among {@code partitions}. */
    public int partitionOf(EncodedAuditEvent event, int partitions) {
        return Utils.toPositive(Utils.murmur2(event.key().getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Whether {@code group} has committed the end of every partition of {@code topic}. */
    public boolean committedToEnd(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions().size();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        for (Map.Entry<TopicPartition, ListOffsetsResultInfo> end : ends.entrySet()) {
            OffsetAndMetadata offset = committed.get(end.getKey());
            long at = offset == null ? 0 : offset.offset();
            if (at != end.getValue().offset()) {
                return false;
            }
        }
        return true;
    }

    /** Every record of {@code topic} from the beginning, read until {@code expected} arrived or 30 s passed. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        Properties settings = new Properties();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Closes the clients after deleting the topics this instance created and their dead-letter topics. */
    @Override
    public void close() {
        producer.close();
        List<String> topics = new ArrayList<>(created);
        created.forEach(topic -> topics.add(topic + ".dlq"));
        admin.deleteTopics(topics).topicNameValues().values().forEach(deletion -> {
            try {
                deletion.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // a dead-letter topic that was never written does not exist: nothing to delete
            }
        });
        admin.close();
    }
}
