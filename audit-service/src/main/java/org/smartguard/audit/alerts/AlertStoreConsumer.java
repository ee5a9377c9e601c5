package org.smartguard.audit.alerts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Stores what the rules publish on the alerts topic. Alerts are stored by a consumer of the topic rather than from
 * inside the topology: a database write inside a Streams task is a side effect that Kafka's transactions cannot roll
 * back, and a database outage would stall detection; here it only delays storage, alerts still reach the topic, and
 * offsets move only after the insert (idempotent by alert id) committed.
 */
public class AlertStoreConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AlertStoreConsumer.class);

    private final Consumer<String, String> consumer;
    private final String topic;
    private final AlertStore store;
    private final ObjectMapper json;
    private final Duration retryBackoff;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;

    AlertStoreConsumer(Consumer<String, String> consumer, String topic, AlertStore store, ObjectMapper json, Duration retryBackoff) {
        this.consumer = consumer;
        this.topic = topic;
        this.store = store;
        this.json = json;
        this.retryBackoff = retryBackoff;
        this.thread = new Thread(this::run, "alert-store-" + topic);
    }

    AlertStoreConsumer start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic));
            while (closing.getCount() > 0) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    store.store(parse(records));
                    consumer.commitSync();
                } catch (WakeupException e) {
                    throw e;
                } catch (Exception e) {
                    LOG.warnf("storing %d alerts from %s failed, reading them again in %s: %s", records.count(), topic,
                            retryBackoff, e.getMessage());
                    rewind(records);
                    closing.await(retryBackoff.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (WakeupException e) {
            // close() asked the consumer to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(10));
        }
    }

    private List<SecurityAlert> parse(ConsumerRecords<String, String> records) {
        List<SecurityAlert> alerts = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> record : records) {
            try {
                alerts.add(json.readValue(record.value(), SecurityAlert.class));
            } catch (Exception e) {
                // only the rules write this topic; anything else on it is noise, never a reason to stop storing
                LOG.warnf("skipping a record of %s at offset %d that is not an alert", topic, record.offset());
            }
        }
        return alerts;
    }

    private void rewind(ConsumerRecords<String, String> records) {
        for (TopicPartition partition : records.partitions()) {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        consumer.wakeup();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
