package org.smartguard.commons.audit.wiring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.audit.*}: where a service keeps its audit outbox and how the relay delivers it. */
@ConfigMapping(prefix = "smartguard.audit")
public interface AuditPublisherConfig {

    enum OutboxKind {
        /** an outbox table in the service's database (its default datasource) */
        JDBC,
        /** fsync'ed segment files in {@link #spoolDir()}, for a service without a database */
        SPOOL
    }

    /** {@code jdbc} or {@code spool} (env SMARTGUARD_AUDIT_OUTBOX). */
    OutboxKind outbox();

    /** The spool directory when {@code outbox=spool} (env SMARTGUARD_AUDIT_SPOOL_DIR). */
    Optional<Path> spoolDir();

    /** Size at which a spool segment file is closed and a new one started. */
    @WithDefault("16777216")
    long spoolSegmentBytes();

    /** The outbox table when {@code outbox=jdbc}. */
    @WithDefault("audit_outbox")
    String outboxTable();

    /** The Kafka topic of audit events (env SMARTGUARD_AUDIT_TOPIC). */
    @WithDefault("audit-events")
    String topic();

    /** Events per Kafka batch. */
    @WithDefault("500")
    int batchSize();

    /** How often the relay looks at the outbox when nothing woke it. */
    @WithDefault("500ms")
    Duration pollInterval();

    /**
     * After a batch smaller than {@link #batchSize()}, how long the relay lets events gather before the next one
     * (env SMARTGUARD_AUDIT_GATHER_DELAY): fewer, larger batches; events reach Kafka up to this much later.
     */
    @WithDefault("20ms")
    Duration gatherDelay();

    /** The longest pause between delivery attempts while Kafka is down. */
    @WithDefault("5s")
    Duration maxBackoff();

    /** How long a batch may wait for Kafka's acknowledgement before it is retried. */
    @WithDefault("30s")
    Duration deliveryTimeout();

    /** On shutdown, how long the relay keeps delivering before leaving the rest in the outbox. */
    @WithDefault("5s")
    Duration shutdownDrainTimeout();
}
