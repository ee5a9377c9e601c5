package org.smartguard.audit.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;
import org.smartguard.audit.kafka.KafkaPollLoop;
import org.smartguard.audit.store.AppendResult;
import org.smartguard.audit.store.AuditEventStore;
import org.smartguard.audit.store.IncomingEvent;

/**
 * One consumer of the audit topic. Each poll is handled as a whole: refused records go to the dead-letter topic
 * (acknowledged), valid ones are stored (one committed transaction per partition), and only then does the
 * {@link KafkaPollLoop} commit the offsets; a failed batch is read again, and storing is idempotent by event id, so a
 * re-read never duplicates and an uncommitted offset never drops.
 */
public class AuditIngestConsumer implements KafkaPollLoop.Handler<byte[], byte[]>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AuditIngestConsumer.class);

    private final String topic;
    private final AuditRecordValidator validator;
    private final AuditEventStore store;
    private final DeadLetterPublisher deadLetters;
    private final IngestMetrics metrics;
    private final KafkaPollLoop<byte[], byte[]> loop;

    AuditIngestConsumer(Consumer<byte[], byte[]> consumer, String topic, AuditRecordValidator validator,
            AuditEventStore store, DeadLetterPublisher deadLetters, IngestMetrics metrics, Duration pollTimeout,
            Duration retryBackoff) {
        this.topic = topic;
        this.validator = validator;
        this.store = store;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.loop = new KafkaPollLoop<>("audit-ingest", consumer, topic, this, pollTimeout, retryBackoff);
    }

    AuditIngestConsumer start() {
        loop.start();
        return this;
    }

    @Override
    public void handle(ConsumerRecords<byte[], byte[]> records) throws Exception {
        try {
            storeAndDeadLetter(records);
        } catch (Exception e) {
            metrics.failedBatch();
            throw e;
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

    @Override
    public void lag(long records) {
        metrics.lag(records);
    }

    @Override
    public void closed() {
        deadLetters.close();
        metrics.close();
    }

    /** Stops polling; a batch being stored finishes, and its offsets may or may not be committed (both are safe). */
    @Override
    public void close() {
        loop.close();
    }
}
