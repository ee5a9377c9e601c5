package org.smartguard.audit.rules;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;
import org.jboss.logging.Logger;
import org.smartguard.audit.AuditServiceConfig;
import org.smartguard.audit.alerts.SecurityAlert;

import io.quarkus.kafka.client.serialization.ObjectMapperSerde;

/**
 * The anomaly rules as one Kafka Streams topology. Each event is parsed once and turned into signals keyed by rule
 * and subject; one repartition topic brings every subject's signals to one task, whatever partition (patient) the
 * events came from. Windowed rules aggregate in hopping windows (state stores with changelog topics, so a restart
 * resumes mid-window); instant rules pass straight on; unusual volume keeps a per-user history. Every rule ends in
 * its {@link AlertGate}, and alerts go to the alerts topic.
 */
@ApplicationScoped
public class RuleTopology {

    private static final Logger LOG = Logger.getLogger(RuleTopology.class);
    static final String REPARTITION = "rule-subjects";

    private final RulesConfig config;
    private final AuditServiceConfig service;

    RuleTopology(RulesConfig config, AuditServiceConfig service) {
        this.config = config;
        this.service = service;
    }

    /** The topology the service runs: its configured audit topic in, its alerts topic out. */
    @Produces
    Topology configured() {
        return build(service.topic(), config.alertsTopic());
    }

    public Topology build(String sourceTopic, String alertsTopic) {
        Signals signals = new Signals(config);
        ObjectMapperSerde<Signal> signalSerde = new ObjectMapperSerde<>(Signal.class);
        ObjectMapperSerde<SecurityAlert> alertSerde = new ObjectMapperSerde<>(SecurityAlert.class);
        StreamsBuilder builder = new StreamsBuilder();

        KStream<String, Signal> bySubject = builder
                .stream(sourceTopic, Consumed.with(Serdes.String(), Serdes.String())
                        .withTimestampExtractor(new RecordedTimeExtractor()).withName("audit-events"))
                .flatMap((key, json) -> {
                    try {
                        return signals.of(EventFacts.of(json));
                    } catch (RuntimeException e) {
                        // the ingest consumer dead-letters what is not a valid audit event; the rules skip it
                        LOG.debugf("rules skip a record that is not an audit event: %s", e.getMessage());
                        return List.<KeyValue<String, Signal>>of();
                    }
                }, Named.as("signals"))
                .repartition(Repartitioned.with(Serdes.String(), signalSerde).withName(REPARTITION));

        KStream<String, SecurityAlert> alerts = null;
        for (Rule rule : Rule.values()) {
            KStream<String, Signal> signalsOfRule = bySubject.filter((key, signal) -> signal.rule() == rule,
                    Named.as(rule.id() + "-signals"));
            KStream<String, Candidate> candidates = switch (rule) {
                case BULK_USER -> windowed(signalsOfRule, rule, config.bulkUser(), false, signalSerde);
                case SNOOPING -> windowed(signalsOfRule, rule, config.snooping(), true, signalSerde);
                case BRUTE_FORCE -> windowed(signalsOfRule, rule, config.bruteForce(), false, signalSerde);
                case SCOPE_PROBING -> windowed(signalsOfRule, rule, config.scopeProbing(), false, signalSerde);
                case RATE_LIMIT_HAMMERING -> windowed(signalsOfRule, rule, config.rateLimitHammering(), false, signalSerde);
                case UNUSUAL_VOLUME -> signalsOfRule.processValues(new VolumeBaseline(config.unusualVolume(),
                        config.evidenceLimit()), Named.as(rule.id() + "-baseline"));
                case BULK_RESPONSE, TOKEN_REPLAY, OFF_HOURS -> signalsOfRule.mapValues(signal -> instant(rule, signal),
                        Named.as(rule.id() + "-at-once"));
            };
            KStream<String, SecurityAlert> gated = candidates.processValues(new AlertGate(rule, config.suppressFor()),
                    Named.as(rule.id() + "-gate"));
            alerts = alerts == null ? gated : alerts.merge(gated, Named.as(rule.id() + "-alerts"));
        }
        alerts.to(alertsTopic, Produced.with(Serdes.String(), alertSerde).withName("security-alerts"));
        return builder.build();
    }

    /** Instant rules: the signal itself crossed the line (a bulk response, a replayed token, an off-hours read). */
    private Candidate instant(Rule rule, Signal signal) {
        long threshold = rule == Rule.BULK_RESPONSE ? config.bulkResponse().threshold() : 0;
        return new Candidate(rule, signal.recorded(), signal.recorded(), signal.amount(), threshold, List.of(signal.eventId()));
    }

    private KStream<String, Candidate> windowed(KStream<String, Signal> signals, Rule rule, RulesConfig.WindowedRule settings,
            boolean distinct, ObjectMapperSerde<Signal> signalSerde) {
        long threshold = settings.threshold();
        int evidenceLimit = config.evidenceLimit();
        Duration window = settings.window();
        Duration hop = window.dividedBy(Math.max(1, config.hopsPerWindow()));
        return signals
                .groupByKey(Grouped.with(rule.id(), Serdes.String(), signalSerde))
                .windowedBy(TimeWindows.ofSizeAndGrace(window, config.grace()).advanceBy(hop.isZero() ? window : hop))
                .aggregate(Tally::empty, (key, signal, tally) -> tally.add(signal, threshold + 1, evidenceLimit),
                        Named.as(rule.id() + "-tally"),
                        Materialized.<String, Tally, WindowStore<Bytes, byte[]>>as(rule.id() + "-windows")
                                .withKeySerde(Serdes.String()).withValueSerde(new ObjectMapperSerde<>(Tally.class)))
                .toStream(Named.as(rule.id() + "-tallies"))
                .filter((windowed, tally) -> tally.measure(distinct) > threshold, Named.as(rule.id() + "-over"))
                .map((windowed, tally) -> KeyValue.pair(windowed.key(), new Candidate(rule, windowed.window().start(),
                        windowed.window().end(), tally.measure(distinct), threshold, tally.evidence())),
                        Named.as(rule.id() + "-candidates"));
    }
}
