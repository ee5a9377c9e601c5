package org.smartguard.audit.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.audit.AuditServiceConfig;

/**
 * Creates the audit store as the database owner (the default datasource) and grants the ingest role only what
 * appending needs. The events table is owned by the owner, so the writer role cannot UPDATE, DELETE, TRUNCATE, ALTER
 * or DROP it; its monthly partitions get no grants at all, so they are reachable only through the parent.
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

    public void create() {
        try (Connection connection = owner.getConnection(); Statement ddl = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                ddl.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
                ddl.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
                ddl.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".events ("
                        + "event_id uuid NOT NULL, "
                        + "topic varchar(249) NOT NULL, "
                        + "source_partition integer NOT NULL, "
                        + "source_offset bigint NOT NULL, "
                        + "chain_position bigint NOT NULL, "
                        + "recorded timestamptz NOT NULL, "
                        + "stored_at timestamptz NOT NULL, "
                        + "payload text NOT NULL, " // the JSON as received: the hash covers these exact characters
                        + "prev_hash char(64) NOT NULL, "
                        + "hash char(64) NOT NULL"
                        + ") PARTITION BY RANGE (stored_at)");
                ddl.execute("CREATE INDEX IF NOT EXISTS events_chain ON " + SCHEMA
                        + ".events (topic, source_partition, chain_position)");
                ddl.execute("CREATE INDEX IF NOT EXISTS events_event_id ON " + SCHEMA + ".events (event_id)");
                // the query API: searches and exports in recorded order, keyset pages on (recorded, event_id)
                ddl.execute("CREATE INDEX IF NOT EXISTS events_recorded_event ON " + SCHEMA + ".events (recorded, event_id)");
                ddl.execute("DROP INDEX IF EXISTS " + SCHEMA + ".events_recorded"); // superseded by the one above
                // element filters (patient, agent, entity, type, subtype, outcome, address) are JSON containment on the
                // stored text itself, the very characters the chain hashes, so no derived column can disagree with it
                ddl.execute("CREATE INDEX IF NOT EXISTS events_payload ON " + SCHEMA
                        + ".events USING gin ((payload::jsonb) jsonb_path_ops)");
                // the idempotency guard: one row per event id ever stored, whatever partition it arrived on
                ddl.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".event_ids ("
                        + "event_id uuid PRIMARY KEY, stored_at timestamptz NOT NULL)");
                // the last link of each chain; appenders lock it, so two consumers of one partition (a rebalance) never fork it
                ddl.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".chain_heads ("
                        + "topic varchar(249) NOT NULL, source_partition integer NOT NULL, "
                        + "chain_position bigint NOT NULL, hash char(64) NOT NULL, stored_at timestamptz NOT NULL, "
                        + "PRIMARY KEY (topic, source_partition))");
                // the last link removed by retention: where verification of a shortened chain starts
                ddl.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".chain_anchors ("
                        + "topic varchar(249) NOT NULL, source_partition integer NOT NULL, "
                        + "chain_position bigint NOT NULL, hash char(64) NOT NULL, "
                        + "PRIMARY KEY (topic, source_partition))");
                // alerts of the anomaly rules: stored once by alert id; only their status may change, nothing else
                ddl.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".security_alert ("
                        + "alert_id uuid PRIMARY KEY, "
                        + "rule varchar(64) NOT NULL, "
                        + "severity varchar(16) NOT NULL, "
                        + "subject text NOT NULL, "
                        + "window_start timestamptz NOT NULL, "
                        + "window_end timestamptz NOT NULL, "
                        + "event_count bigint NOT NULL, "
                        + "threshold bigint NOT NULL, "
                        + "evidence text[] NOT NULL, "
                        + "status varchar(16) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged')), "
                        + "raised_at timestamptz NOT NULL DEFAULT now(), "
                        + "acknowledged_at timestamptz, "
                        + "acknowledged_by text)");
                ddl.execute("CREATE INDEX IF NOT EXISTS security_alert_listing ON " + SCHEMA
                        + ".security_alert (status, rule, severity, raised_at)");
                ddl.execute("GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + writerRole);
                ddl.execute("GRANT SELECT, INSERT ON " + SCHEMA + ".security_alert TO " + writerRole);
                ddl.execute("GRANT UPDATE (status, acknowledged_at, acknowledged_by) ON " + SCHEMA + ".security_alert TO "
                        + writerRole);
                ddl.execute("GRANT SELECT, INSERT ON " + SCHEMA + ".events, " + SCHEMA + ".event_ids TO " + writerRole);
                ddl.execute("GRANT SELECT, INSERT, UPDATE ON " + SCHEMA + ".chain_heads TO " + writerRole);
                ddl.execute("GRANT SELECT ON " + SCHEMA + ".chain_anchors TO " + writerRole);
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the audit store (does the role " + writerRole + " exist?): "
                    + e.getMessage(), e);
        }
    }
}
