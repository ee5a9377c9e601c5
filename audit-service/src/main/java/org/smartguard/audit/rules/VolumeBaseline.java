package org.smartguard.audit.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.quarkus.kafka.client.serialization.ObjectMapperSerde;

/**
 * Rule 8: a user's events per bucket (an hour) against that user's own history of active buckets. The current
 * bucket fires when it is {@code zThreshold} standard deviations above the mean of the earlier ones, once there are
 * {@code minHistory} of them and it holds at least {@code minCount} events. The deviation is at least the square
 * root of the mean (the spread of a Poisson count), so a user whose history is perfectly flat does not fire on one
 * extra event. Late events still count in their own bucket while it is within the history.
 */
public class VolumeBaseline implements FixedKeyProcessorSupplier<String, Signal, Candidate> {

    static final String STORE = "unusual-volume-history";

    /** The per-user state: events per bucket start (ms), the evidence of the newest bucket, the last bucket alerted. */
    public record History(TreeMap<Long, Long> counts, List<String> evidence, long alertedBucket) {
    }

    private final RulesConfig.UnusualVolume config;
    private final int evidenceLimit;

    public VolumeBaseline(RulesConfig.UnusualVolume config, int evidenceLimit) {
        this.config = config;
        this.evidenceLimit = evidenceLimit;
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                new ObjectMapperSerde<>(History.class)));
    }

    @Override
    public FixedKeyProcessor<String, Signal, Candidate> get() {
        long bucket = config.bucket().toMillis();
        return new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<String, Candidate> context;
            private KeyValueStore<String, History> histories;

            @Override
            public void init(FixedKeyProcessorContext<String, Candidate> context) {
                this.context = context;
                this.histories = context.getStateStore(STORE);
            }

            @Override
            public void process(FixedKeyRecord<String, Signal> record) {
                Signal signal = record.value();
                long start = signal.recorded() - Math.floorMod(signal.recorded(), bucket);
                History history = histories.get(record.key());
                if (history == null) {
                    history = new History(new TreeMap<>(), List.of(), Long.MIN_VALUE);
                }
                TreeMap<Long, Long> counts = history.counts();
                long oldest = counts.isEmpty() ? start : counts.lastKey() - (config.history() - 1L) * bucket;
                if (start < oldest) {
                    return;
                }
                List<String> evidence = history.evidence();
                if (counts.isEmpty() || start > counts.lastKey()) {
                    evidence = new ArrayList<>();
                }
                counts.merge(start, 1L, Long::sum);
                counts.headMap(counts.lastKey() - (config.history() - 1L) * bucket).clear();
                long newest = counts.lastKey();
                if (start == newest && evidence.size() < evidenceLimit) {
                    evidence = new ArrayList<>(evidence);
                    evidence.add(signal.eventId());
                }
                long alerted = history.alertedBucket();
                long current = counts.get(newest);
                if (start == newest && alerted != newest && unusual(counts, newest, current)) {
                    alerted = newest;
                    context.forward(record.withValue(new Candidate(Rule.UNUSUAL_VOLUME, newest, newest + bucket, current,
                            threshold(counts, newest), List.copyOf(evidence))));
                }
                histories.put(record.key(), new History(counts, evidence, alerted));
            }
        };
    }

    private boolean unusual(TreeMap<Long, Long> counts, long newest, long current) {
        if (counts.size() - 1 < config.minHistory() || current < config.minCount()) {
            return false;
        }
        return current > threshold(counts, newest);
    }

    /** The count above which the newest bucket is unusual: mean + z * deviation of the earlier buckets. */
    private long threshold(TreeMap<Long, Long> counts, long newest) {
        double n = 0;
        double sum = 0;
        double squares = 0;
        for (Map.Entry<Long, Long> entry : counts.headMap(newest).entrySet()) {
            n++;
            sum += entry.getValue();
            squares += (double) entry.getValue() * entry.getValue();
        }
        if (n == 0) {
            return Long.MAX_VALUE;
        }
        double mean = sum / n;
        double deviation = Math.max(Math.sqrt(Math.max(0, squares / n - mean * mean)), Math.max(Math.sqrt(mean), 1));
        return (long) Math.floor(mean + config.zThreshold() * deviation);
    }
}
