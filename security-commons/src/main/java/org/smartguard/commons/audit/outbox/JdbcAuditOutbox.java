package org.smartguard.commons.audit.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.smartguard.commons.audit.EncodedAuditEvent;

/**
 * A transactional outbox table in the service's own PostgreSQL database. An insert made inside the service's
 * transaction commits or rolls back with the work it audits. Draining locks rows with {@code FOR UPDATE SKIP
 * LOCKED}, so several replicas relay one table without sending a row twice while it is locked, and deletes them
 * in the same transaction once Kafka acknowledged. Appends outside a transaction are group-committed
 * ({@link GroupCommit}); the relay VACUUMs the table as it goes ({@link #vacuumWhenDue}).
 */
public final class JdbcAuditOutbox implements AuditOutbox {

    /** Events per group commit: bounds one transaction's size, far above what concurrent requests queue. */
    private static final int GROUP_COMMIT_MAX_EVENTS = 1000;
    /** Deleted rows between two VACUUMs of the table: at about 2 kB an event, some 20 MB of dead tuples at most. */
    static final int VACUUM_EVERY = 10_000;
    private static final Logger LOG = Logger.getLogger(JdbcAuditOutbox.class);
    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final DataSource dataSource;
    private final String insertSql;
    private final String claimSql;
    private final String deleteSql;
    private final String countSql;
    private final GroupCommit groupCommit;
    private final String table;
    private final String vacuumSql;
    private long deletedSinceVacuum;

    public JdbcAuditOutbox(DataSource dataSource, String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("invalid outbox table name: " + table);
        }
        this.dataSource = dataSource;
        this.insertSql = "INSERT INTO " + table + " (event_id, event_key, payload) VALUES (?, ?, ?)"
                + " ON CONFLICT (event_id) DO NOTHING";
        this.claimSql = "SELECT seq, event_id, event_key, payload FROM " + table
                + " ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED";
        this.deleteSql = "DELETE FROM " + table + " WHERE seq = ANY (?)";
        this.countSql = "SELECT count(*) FROM " + table;
        this.vacuumSql = "VACUUM " + table;
        this.table = table;
        createTableIfMissing(table);
        this.groupCommit = new GroupCommit(dataSource, this::insert, GROUP_COMMIT_MAX_EVENTS);
    }

    private void createTableIfMissing(String table) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "seq bigserial PRIMARY KEY, "
                    + "event_id varchar(64) NOT NULL UNIQUE, "
                    + "event_key varchar(1100) NOT NULL, "
                    + "payload text NOT NULL, "
                    + "created_at timestamptz NOT NULL DEFAULT now())");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the audit outbox table " + table + ": " + e.getMessage(), e);
        }
    }

    /**
     * Inside a JTA transaction (the pool hands out its connection, auto-commit off) the insert belongs to it and
     * commits or rolls back with the work it audits. Outside one (a read) the events go through the group commit:
     * committed, with other callers' events, before this returns.
     */
    @Override
    public void append(List<EncodedAuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.getAutoCommit()) {
                insert(connection, events);
                return;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit outbox write failed: " + e.getMessage(), e);
        }
        groupCommit.append(events);
    }

    private void insert(Connection connection, List<EncodedAuditEvent> events) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(insertSql)) {
            for (EncodedAuditEvent event : events) {
                insert.setString(1, event.eventId());
                insert.setString(2, event.key());
                insert.setString(3, event.json());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @Override
    public int drain(int max, BatchSender sender) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Long> seqs = new ArrayList<>();
                List<EncodedAuditEvent> batch = new ArrayList<>();
                try (PreparedStatement claim = connection.prepareStatement(claimSql)) {
                    claim.setInt(1, max);
                    try (ResultSet rows = claim.executeQuery()) {
                        while (rows.next()) {
                            seqs.add(rows.getLong(1));
                            batch.add(new EncodedAuditEvent(rows.getString(2), rows.getString(3), rows.getString(4)));
                        }
                    }
                }
                if (batch.isEmpty()) {
                    connection.rollback();
                    return 0;
                }
                sender.send(batch);
                try (PreparedStatement delete = connection.prepareStatement(deleteSql)) {
                    delete.setArray(1, connection.createArrayOf("bigint", seqs.toArray()));
                    delete.executeUpdate();
                }
                connection.commit();
                deletedSinceVacuum += batch.size();
                return batch.size();
            } catch (Exception e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } finally {
            vacuumWhenDue();
        }
    }

    /**
     * Every row relayed leaves a dead tuple (insert, then delete): on a PostgreSQL whose autovacuum is off, or lags
     * behind a busy outbox, the table and its indexes would grow without end and each claim would wade through dead
     * entries. A plain VACUUM of this small table every {@link #VACUUM_EVERY} deleted rows keeps it to a few pages; it
     * takes no lock that stops inserts or claims (a role that does not own the table gets PostgreSQL's warning and
     * nothing done: autovacuum's job then). Only the relay's thread calls this.
     */
    private void vacuumWhenDue() {
        if (deletedSinceVacuum < VACUUM_EVERY) {
            return;
        }
        deletedSinceVacuum = 0;
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(vacuumSql);
        } catch (SQLException e) {
            // upkeep only: the relay goes on, the next VACUUM comes after as many deletions again
            LOG.warnf("audit outbox: VACUUM of %s failed: %s", table, e.getMessage());
        }
    }

    @Override
    public long pendingCount() {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(countSql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("audit outbox unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // the data source belongs to the service
        groupCommit.close();
    }
}
