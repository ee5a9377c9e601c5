package org.smartguard.audit.ingest;

import java.sql.SQLException;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.smartguard.audit.AuditServiceConfig;
import org.smartguard.audit.store.AuditSchema;
import org.smartguard.audit.store.PartitionMaintenance;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Start order matters: the store's schema (Flyway migrated it before startup), the writer role's grants and this
 * month's partitions exist before the first event is read. Partition maintenance then runs on a schedule (new months
 * ahead, retention behind).
 */
@ApplicationScoped
public class IngestLifecycle {

    private static final Logger LOG = Logger.getLogger(IngestLifecycle.class);

    private final AuditServiceConfig config;
    private final AuditSchema schema;
    private final PartitionMaintenance maintenance;
    private final IngestConsumerFactory consumers;
    private AuditIngestConsumer consumer;

    IngestLifecycle(AuditServiceConfig config, AuditSchema schema, PartitionMaintenance maintenance,
            IngestConsumerFactory consumers) {
        this.config = config;
        this.schema = schema;
        this.maintenance = maintenance;
        this.consumers = consumers;
    }

    void start(@Observes StartupEvent startup) throws SQLException {
        schema.grantWriter();
        maintenance.run(Instant.now());
        LOG.infof("audit partitions kept %d months, maintained every %s", config.retentionMonths(), config.maintenanceInterval());
        if (config.ingestEnabled()) {
            consumer = consumers.startConfigured();
            LOG.infof("consuming %s in group %s", config.topic(), config.consumerGroup());
        }
    }

    @Scheduled(every = "${smartguard.audit-service.maintenance-interval}",
            delayed = "${smartguard.audit-service.maintenance-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void maintainPartitions() throws SQLException {
        maintenance.run(Instant.now());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (consumer != null) {
            consumer.close();
        }
    }
}
