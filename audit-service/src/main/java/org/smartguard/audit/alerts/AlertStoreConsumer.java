package org.smartguard.audit.alerts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jboss.logging.Logger;
import org.smartguard.audit.kafka.KafkaPollLoop;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Stores what the rules publish on the alerts topic. Alerts are stored by a consumer of the topic rather than from
 * inside the topology: a database write inside a Streams task is a side effect that Kafka's transactions cannot roll
 * back, and a database outage would stall detection; here it only delays storage, alerts still reach the topic, and
 * offsets move only after the insert (idempotent by alert id) committed ({@link KafkaPollLoop}).
 */
public class AlertStoreConsumer implements KafkaPollLoop.Handler<String, String>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AlertStoreConsumer.class);

    private final String topic;
    private final AlertStore store;
    private final ObjectMapper json;
    private final KafkaPollLoop<String, String> loop;

    AlertStoreConsumer(Consumer<String, String> consumer, String topic, AlertStore store, ObjectMapper json,
            Duration pollTimeout, Duration retryBackoff) {
        this.topic = topic;
        this.store = store;
        this.json = json;
        this.loop = new KafkaPollLoop<>("alert-store", consumer, topic, this, pollTimeout, retryBackoff);
    }

    AlertStoreConsumer start() {
        loop.start();
        return this;
    }

    @Override
    public void handle(ConsumerRecords<String, String> records) throws Exception {
        store.store(parse(records));
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

    @Override
    public void close() {
        loop.close();
    }
}
