package org.smartguard.commons.audit.wiring;

import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;

import io.quarkus.runtime.Startup;
import org.smartguard.commons.audit.AuditPublisher;
import org.smartguard.commons.audit.outbox.AuditOutbox;
import org.smartguard.commons.audit.outbox.DurableAuditPublisher;
import org.smartguard.commons.audit.outbox.FileSpoolAuditOutbox;
import org.smartguard.commons.audit.outbox.JdbcAuditOutbox;
import org.smartguard.commons.audit.outbox.KafkaAuditSender;
import org.smartguard.commons.audit.outbox.OutboxRelay;

/** Makes the service's one {@link AuditPublisher} from {@code smartguard.audit.*} and the {@code kafka.*} settings. */
public class AuditPublisherProducer {

    private static final String KAFKA_PREFIX = "kafka.";

    // started with the service, so events left in the outbox by the previous run are relayed at once
    @Produces
    @Singleton
    @Startup
    DurableAuditPublisher publisher(AuditPublisherConfig config, Instance<DataSource> dataSource, Config allConfig) {
        AuditOutbox outbox = switch (config.outbox()) {
            case JDBC -> new JdbcAuditOutbox(dataSource.get(), config.outboxTable());
            case SPOOL -> new FileSpoolAuditOutbox(config.spoolDir().orElseThrow(
                    () -> new IllegalStateException("smartguard.audit.spool-dir is required when smartguard.audit.outbox=spool")),
                    config.spoolSegmentBytes());
        };
        KafkaAuditSender sender = new KafkaAuditSender(kafkaSettings(allConfig), config.topic(), config.deliveryTimeout());
        OutboxRelay.Settings relay = new OutboxRelay.Settings(config.batchSize(), config.pollInterval(), config.gatherDelay(), config.maxBackoff(),
                config.shutdownDrainTimeout());
        return new DurableAuditPublisher(outbox, sender, relay);
    }

    void close(@Disposes DurableAuditPublisher publisher) {
        publisher.close();
    }

    /** Every {@code kafka.*} property, without the prefix, as Kafka client settings. */
    public static Map<String, Object> kafkaSettings(Config config) {
        Map<String, Object> settings = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(KAFKA_PREFIX)) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(value -> settings.put(name.substring(KAFKA_PREFIX.length()), value));
            }
        }
        return settings;
    }
}
