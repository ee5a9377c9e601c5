package org.smartguard.audit.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.audit.AuditServiceConfig;

/**
 * The audit store's schema is Flyway's ({@code db/migration}, run as the owner, the default datasource, before the
 * service starts). This grants the ingest role only what appending needs, at every start, to whichever role is
 * configured. The events and their search keys are owned by the owner, so the writer role cannot UPDATE, DELETE,
 * TRUNCATE, ALTER or DROP them; their monthly partitions get no grants at all, so they are reachable only through
 * the parents.
 * <p>
 * {@code audit_log.events} is partitioned by month on {@code stored_at} (the time this service stored the row,
 * monotonic along each chain). Because chain order and partition order agree, retention drops a prefix of every
 * chain and what remains still verifies from the anchor the retention job records. Partitioning on the event's
 * {@code recorded} would interleave late events (an outbox drained hours later) and leave holes inside chains.
 */
@ApplicationScoped
public class AuditSchema {

    public static final String SCHEMA = "audit_log";
    /** Serializes schema and partition changes between replicas starting together. */
    static final long DDL_LOCK = 0x5347_4155_4449_5401L;
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final DataSource owner;
    private final String writerRole;

    AuditSchema(DataSource owner, AuditServiceConfig config) {
        if (!ROLE_NAME.matcher(config.writerRole()).matches()) {
            throw new IllegalArgumentException("invalid smartguard.audit-service.writer-role: " + config.writerRole());
        }
        this.owner = owner;
        this.writerRole = config.writerRole();
    }

    public void grantWriter() {
        try (Connection connection = owner.getConnection(); Statement ddl = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                ddl.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
                ddl.execute("GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + writerRole);
                ddl.execute("GRANT SELECT, INSERT ON " + SCHEMA + ".security_alert TO " + writerRole);
                ddl.execute("GRANT UPDATE (status, acknowledged_at, acknowledged_by) ON " + SCHEMA + ".security_alert TO "
                        + writerRole);
                ddl.execute("GRANT SELECT, INSERT ON " + SCHEMA + ".events, " + SCHEMA + ".event_ids, " + SCHEMA
                        + ".event_keys TO " + writerRole);
                ddl.execute("GRANT SELECT, INSERT, UPDATE ON " + SCHEMA + ".chain_heads TO " + writerRole);
                ddl.execute("GRANT SELECT ON " + SCHEMA + ".chain_anchors TO " + writerRole);
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot grant the audit store to " + writerRole + " (does the role exist?): "
                    + e.getMessage(), e);
        }
    }
}
