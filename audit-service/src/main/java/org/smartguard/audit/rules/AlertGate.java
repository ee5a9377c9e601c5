package org.smartguard.audit.rules;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.smartguard.audit.alerts.SecurityAlert;

/**
 * One incident, one alert. A rule's candidates for one subject pass only when no alert of that rule and subject is
 * open: an alert stays open until {@code suppressFor} after its window ends (event time), so the overlapping windows
 * of one burst, and a burst that goes on, raise nothing new. The store is backed by a changelog topic, so the
 * suppression survives a restart, and it is keyed like the stream, so it scales with the partitions. The alert id is
 * derived from rule, subject and window: reprocessing after a crash yields the same id, which the store ignores.
 */
public class AlertGate implements FixedKeyProcessorSupplier<String, Candidate, SecurityAlert> {

    private final String storeName;
    private final long suppressForMillis;

    public AlertGate(Rule rule, Duration suppressFor) {
        this.storeName = rule.id() + "-open-alerts";
        this.suppressForMillis = suppressFor.toMillis();
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(), Serdes.Long()));
    }

    @Override
    public FixedKeyProcessor<String, Candidate, SecurityAlert> get() {
        return new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<String, SecurityAlert> context;
            private KeyValueStore<String, Long> openUntil;

            @Override
            public void init(FixedKeyProcessorContext<String, SecurityAlert> context) {
                this.context = context;
                this.openUntil = context.getStateStore(storeName);
            }

            @Override
            public void process(FixedKeyRecord<String, Candidate> record) {
                Candidate candidate = record.value();
                Long open = openUntil.get(record.key());
                if (open != null && candidate.windowStart() < open) {
                    return;
                }
                openUntil.put(record.key(), candidate.windowEnd() + suppressForMillis);
                context.forward(record.withValue(alert(record.key(), candidate)));
            }
        };
    }

    private static SecurityAlert alert(String key, Candidate candidate) {
        Rule rule = candidate.rule();
        UUID id = UUID.nameUUIDFromBytes((key + "|" + candidate.windowStart()).getBytes(StandardCharsets.UTF_8));
        return new SecurityAlert(id.toString(), rule.id(), rule.severity().code(), Rule.subjectOf(key),
                Instant.ofEpochMilli(candidate.windowStart()).toString(), Instant.ofEpochMilli(candidate.windowEnd()).toString(),
                candidate.count(), candidate.threshold(), candidate.evidence());
    }
}
