package org.smartguard.audit.store;

import java.time.Clock;

import javax.sql.DataSource;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.smartguard.audit.AuditServiceConfig;
import org.smartguard.audit.integrity.ChainVerifier;

/**
 * The store's parts and which database role each one uses: the owner (default datasource) for the schema and
 * partitions, the restricted writer ({@code audit-writer} datasource) for appending and verifying.
 */
public class StoreWiring {

    public static final String WRITER_DATASOURCE = "audit-writer";

    @Produces
    @Singleton
    AuditEventStore store(@io.quarkus.agroal.DataSource(WRITER_DATASOURCE) DataSource writer) {
        return new AuditEventStore(writer, Clock.systemUTC());
    }

    @Produces
    @Singleton
    ChainVerifier verifier(@io.quarkus.agroal.DataSource(WRITER_DATASOURCE) DataSource writer) {
        return new ChainVerifier(writer);
    }

    @Produces
    @Singleton
    PartitionMaintenance maintenance(DataSource owner, AuditServiceConfig config) {
        return new PartitionMaintenance(owner, new MonthlyPartitions(config.retentionMonths(), config.partitionsAhead()));
    }
}
