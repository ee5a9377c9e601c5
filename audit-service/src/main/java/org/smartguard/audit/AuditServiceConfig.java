package org.smartguard.audit;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.audit-service.*}: how the audit-service consumes audit events and keeps its store. */
@ConfigMapping(prefix = "smartguard.audit-service")
public interface AuditServiceConfig {

    /** The topic consumed (env SMARTGUARD_AUDIT_SERVICE_TOPIC). */
    @WithDefault("audit-events")
    String topic();

    /** Where records that are not valid audit events go, with the reason (env SMARTGUARD_AUDIT_SERVICE_DEAD_LETTER_TOPIC). */
    @WithDefault("audit-events.dlq")
    String deadLetterTopic();

    /** The consumer group; replicas in one group share the partitions (env SMARTGUARD_AUDIT_SERVICE_CONSUMER_GROUP). */
    @WithDefault("audit-service")
    String consumerGroup();

    /** Whether this instance consumes at all (env SMARTGUARD_AUDIT_SERVICE_INGEST_ENABLED). */
    @WithDefault("true")
    boolean ingestEnabled();

    /** Records per poll, stored in one transaction per partition. */
    @WithDefault("500")
    int maxPollRecords();

    /** How long one poll waits for records. */
    @WithDefault("500ms")
    Duration pollTimeout();

    /** Pause before a batch that failed (database or dead-letter topic away) is read again. */
    @WithDefault("2s")
    Duration retryBackoff();

    /** The database role the ingest path connects as; the schema step grants it INSERT and SELECT only. */
    @WithDefault("audit_writer")
    String writerRole();

    /** Stored events are kept this many months, then their whole monthly partition is dropped (72 = six years). */
    @WithDefault("72")
    int retentionMonths();

    /** Monthly partitions created ahead of the current month, so a month boundary never waits for the job. */
    @WithDefault("2")
    int partitionsAhead();

    /** How often partitions are created ahead and dropped past retention (env SMARTGUARD_AUDIT_SERVICE_MAINTENANCE_INTERVAL). */
    @WithDefault("6h")
    Duration maintenanceInterval();
}
