package org.smartguard.audit.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;
import org.smartguard.audit.store.AppendResult;
import org.smartguard.audit.store.AuditEventStore;
import org.smartguard.audit.store.IncomingEvent;

/**
 * One consumer of the audit topic on its own thread. Each poll is handled as a whole: refused records go to the
 * dead-letter topic (acknowledged), valid ones are stored (one committed transaction per partition), and only then
 * are the offsets committed. If any step fails, the batch's partitions are rewound and read again after a pause:
 * storing is idempotent by event id, so a re-read never duplicates and an uncommitted offset never drops.
 */
public class AuditIngestConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AuditIngestConsumer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final AuditRecordValidator validator;
    private final AuditEventStore store;
    private final DeadLetterPublisher deadLetters;
    private final IngestMetrics metrics;
    private final Duration pollTimeout;
    private final Duration retryBackoff;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;

    AuditIngestConsumer(Consumer<byte[], byte[]> consumer, String topic, AuditRecordValidator validator,
            AuditEventStore store, DeadLetterPublisher deadLetters, IngestMetrics metrics, Duration pollTimeout,
            Duration retryBackoff) {
        this.consumer = consumer;
        this.topic = topic;
        this.validator = validator;
        this.store = store;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.pollTimeout = pollTimeout;
        this.retryBackoff = retryBackoff;
        this.thread = new Thread(this::run, "audit-ingest-" + topic);
    }

    AuditIngestConsumer start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic));
            while (closing.getCount() > 0) {
                try {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
                    if (!records.isEmpty()) {
                        handle(records);
                    }
                    updateLag();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // Kafka away or refusing: keep trying, the service must not stop ingesting silently
                    LOG.warnf("audit ingest of %s: %s; trying again in %s", topic, e.getMessage(), retryBackoff);
                    pause();
                }
            }
        } catch (WakeupException e) {
            // close() asked the consumer to stop; what was not committed is read again by the next owner
        } finally {
            consumer.close(CLOSE_TIMEOUT);
            deadLetters.close();
            metrics.close();
        }
    }

    private void handle(ConsumerRecords<byte[], byte[]> records) {
        try {
            storeAndDeadLetter(records);
        } catch (WakeupException e) {
            throw e;
        } catch (Exception e) {
            metrics.failedBatch();
            LOG.warnf("audit ingest batch of %d records from %s failed, reading it again in %s: %s", records.count(), topic,
                    retryBackoff, e.getMessage());
            rewind(records);
            pause();
            return;
        }
        try {
            consumer.commitSync(nextOffsets(records));
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the partitions moved to another instance: it reads these records again and finds them stored
            LOG.infof("audit ingest offsets of %s not committed after a rebalance: %s", topic, e.getMessage());
        }
    }

    private void storeAndDeadLetter(ConsumerRecords<byte[], byte[]> records) throws Exception {
        Map<TopicPartition, List<IncomingEvent>> valid = new HashMap<>();
        List<DeadLetter> refused = new ArrayList<>();
        for (TopicPartition partition : records.partitions()) {
            List<IncomingEvent> events = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                try {
                    events.add(validator.validate(record));
                } catch (InvalidAuditRecordException e) {
                    refused.add(new DeadLetter(record, e.getMessage()));
                }
            }
            valid.put(partition, events);
        }
        if (!refused.isEmpty()) {
            deadLetters.publish(refused);
            metrics.deadLettered(refused.size());
            LOG.warnf("%d records of %s were not valid audit events and went to the dead-letter topic", refused.size(), topic);
        }
        for (Map.Entry<TopicPartition, List<IncomingEvent>> entry : valid.entrySet()) {
            AppendResult result = store.append(topic, entry.getKey().partition(), entry.getValue());
            metrics.stored(result.stored());
            metrics.duplicates(result.duplicates());
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> partitionRecords = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(partitionRecords.get(partitionRecords.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
        }
    }

    private void pause() {
        try {
            closing.await(retryBackoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    private void updateLag() {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong partitionLag = consumer.currentLag(partition);
            lag += partitionLag.orElse(0);
        }
        metrics.lag(lag);
    }

    /** Stops polling; a batch being stored finishes, and its offsets may or may not be committed (both are safe). */
    @Override
    public void close() {
        closing.countDown();
        consumer.wakeup();
        try {
            thread.join(CLOSE_TIMEOUT.toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
