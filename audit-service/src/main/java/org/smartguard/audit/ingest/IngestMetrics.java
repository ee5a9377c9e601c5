package org.smartguard.audit.ingest;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The ingest meters of one consumer: counters tagged with the topic (stored, duplicates, dead-lettered, failed
 * batches), and its lag tagged with topic and client id, removed when the consumer closes.
 */
public class IngestMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final Gauge lagGauge;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter deadLettered;
    private final Counter failedBatches;
    private final AtomicLong lag = new AtomicLong();

    public IngestMetrics(MeterRegistry registry, String topic, String clientId) {
        this.registry = registry;
        this.stored = Counter.builder("audit.ingest.events.stored").tag("topic", topic)
                .description("audit events stored for the first time").register(registry);
        this.duplicates = Counter.builder("audit.ingest.events.duplicate").tag("topic", topic)
                .description("redelivered audit events skipped because their id was already stored").register(registry);
        this.deadLettered = Counter.builder("audit.ingest.events.dead.lettered").tag("topic", topic)
                .description("records sent to the dead-letter topic").register(registry);
        this.failedBatches = Counter.builder("audit.ingest.batches.failed").tag("topic", topic)
                .description("batches that failed and were read again").register(registry);
        this.lagGauge = Gauge.builder("audit.ingest.consumer.lag", lag, AtomicLong::get).tag("topic", topic)
                .tag("client", clientId).description("records not yet read on this consumer's partitions").register(registry);
    }

    void stored(int count) {
        stored.increment(count);
    }

    void duplicates(int count) {
        duplicates.increment(count);
    }

    void deadLettered(int count) {
        deadLettered.increment(count);
    }

    void failedBatch() {
        failedBatches.increment();
    }

    void lag(long records) {
        lag.set(records);
    }

    @Override
    public void close() {
        registry.remove(lagGauge);
    }
}
