package org.smartguard.audit.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * One consumer of one topic on its own thread, for handlers that store what they read: each poll is handed over
 * whole, and its offsets are committed only after the handler returned. If the handler fails, the batch's partitions
 * are rewound and read again after a pause, so handlers must be idempotent; a Kafka error outside a batch (broker
 * away) is retried after the same pause and never ends the thread silently.
 */
public final class KafkaPollLoop<K, V> implements AutoCloseable {

    /** What the loop's owner does with each poll; called on the loop's thread. */
    public interface Handler<K, V> {

        /** Handles a whole poll; an exception rewinds the batch, which is read again after the pause. */
        void handle(ConsumerRecords<K, V> records) throws Exception;

        /** After every poll: records not yet read on the assigned partitions. */
        default void lag(long records) {
        }

        /** After the consumer closed. */
        default void closed() {
        }
    }

    private static final Logger LOG = Logger.getLogger(KafkaPollLoop.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Consumer<K, V> consumer;
    private final String topic;
    private final Handler<K, V> handler;
    private final Duration pollTimeout;
    private final Duration retryBackoff;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;

    public KafkaPollLoop(String name, Consumer<K, V> consumer, String topic, Handler<K, V> handler, Duration pollTimeout,
            Duration retryBackoff) {
        this.consumer = consumer;
        this.topic = topic;
        this.handler = handler;
        this.pollTimeout = pollTimeout;
        this.retryBackoff = retryBackoff;
        this.thread = new Thread(this::run, name + "-" + topic);
    }

    public KafkaPollLoop<K, V> start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic));
            while (closing.getCount() > 0) {
                try {
                    ConsumerRecords<K, V> records = consumer.poll(pollTimeout);
                    if (!records.isEmpty()) {
                        handle(records);
                    }
                    handler.lag(lag());
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.warnf("%s: %s; trying again in %s", thread.getName(), e.getMessage(), retryBackoff);
                    pause();
                }
            }
        } catch (WakeupException e) {
            // close() asked the consumer to stop; what was not committed is read again by the next owner
        } finally {
            consumer.close(CLOSE_TIMEOUT);
            handler.closed();
        }
    }

    private void handle(ConsumerRecords<K, V> records) {
        try {
            handler.handle(records);
        } catch (WakeupException e) {
            throw e;
        } catch (Exception e) {
            LOG.warnf("%s: a batch of %d records failed, reading it again in %s: %s", thread.getName(), records.count(),
                    retryBackoff, e.getMessage());
            rewind(records);
            pause();
            return;
        }
        try {
            consumer.commitSync(nextOffsets(records));
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the partitions moved to another instance: it reads these records again and the handler finds them done
            LOG.infof("%s: offsets not committed after a rebalance: %s", thread.getName(), e.getMessage());
        }
    }

    private static <K, V> Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<K, V> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            var partitionRecords = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(partitionRecords.get(partitionRecords.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private void rewind(ConsumerRecords<K, V> records) {
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

    private long lag() {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        return lag;
    }

    /** Stops polling; a batch being handled finishes, and its offsets may or may not be committed (both are safe). */
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
