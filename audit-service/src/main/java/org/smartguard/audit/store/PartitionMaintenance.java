package org.smartguard.audit.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

/**
 * Creates the coming monthly partitions of {@code audit_log.events} and of its search keys, and drops those past
 * retention, as the owner (the writer role may not). Before a partition is dropped, the last link it holds of each
 * chain becomes that chain's anchor, so the shortened chain still verifies from there, and its event ids leave the
 * idempotency table; the same month's search keys are dropped with it.
 */
public class PartitionMaintenance {

    private static final Logger LOG = Logger.getLogger(PartitionMaintenance.class);
    private static final String S = AuditSchema.SCHEMA;

    private final DataSource owner;
    private final MonthlyPartitions plan;

    public PartitionMaintenance(DataSource owner, MonthlyPartitions plan) {
        this.owner = owner;
        this.plan = plan;
    }

    /** Returns the partitions dropped. */
    public List<String> run(Instant now) throws SQLException {
        try (Connection connection = owner.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                statement.execute("SELECT pg_advisory_xact_lock(" + AuditSchema.DDL_LOCK + ")");
                for (YearMonth month : plan.monthsToHave(now)) {
                    createPartition(statement, "events", MonthlyPartitions.nameOf(month), month);
                    createPartition(statement, "event_keys", MonthlyPartitions.keysNameOf(month), month);
                }
                List<String> dropped = new ArrayList<>();
                for (String partition : existingPartitions(connection)) {
                    Optional<YearMonth> month = MonthlyPartitions.monthOf(partition);
                    if (month.isPresent() && plan.isExpired(month.get(), now)) {
                        anchorAndForget(statement, partition);
                        statement.execute("DROP TABLE " + S + "." + partition);
                        statement.execute("DROP TABLE IF EXISTS " + S + "." + MonthlyPartitions.keysNameOf(month.get()));
                        dropped.add(partition);
                    }
                }
                connection.commit();
                if (!dropped.isEmpty()) {
                    LOG.infof("audit retention dropped partitions %s", dropped);
                }
                return dropped;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static void createPartition(Statement statement, String table, String partition, YearMonth month)
            throws SQLException {
        statement.execute("CREATE TABLE IF NOT EXISTS " + S + "." + partition + " PARTITION OF " + S + "." + table
                + " FOR VALUES FROM ('" + MonthlyPartitions.startOf(month) + "') TO ('"
                + MonthlyPartitions.startOf(month.plusMonths(1)) + "')");
    }

    private static List<String> existingPartitions(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT c.relname FROM pg_inherits i"
                + " JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent"
                + " JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = ? AND p.relname = 'events'"
                + " ORDER BY c.relname")) {
            query.setString(1, S);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    private static void anchorAndForget(Statement statement, String partition) throws SQLException {
        String table = S + "." + partition;
        // older partitions are dropped first, so the newest link dropped per chain is the one the rest hangs on
        statement.execute("INSERT INTO " + S + ".chain_anchors (topic, source_partition, chain_position, hash)"
                + " SELECT DISTINCT ON (topic, source_partition) topic, source_partition, chain_position, hash FROM " + table
                + " ORDER BY topic, source_partition, chain_position DESC"
                + " ON CONFLICT (topic, source_partition)"
                + " DO UPDATE SET chain_position = excluded.chain_position, hash = excluded.hash"
                + " WHERE " + S + ".chain_anchors.chain_position < excluded.chain_position");
        statement.execute("DELETE FROM " + S + ".event_ids e USING " + table + " p WHERE e.event_id = p.event_id");
    }
}
