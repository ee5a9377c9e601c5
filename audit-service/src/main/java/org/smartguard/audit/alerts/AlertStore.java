package org.smartguard.audit.alerts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.smartguard.audit.store.AuditSchema;

/**
 * The {@code security_alert} table, written as the restricted writer role: an alert is inserted once by its id
 * (a redelivered alert changes nothing) and afterwards only its status may change.
 */
public class AlertStore {

    private static final String INSERT = "INSERT INTO " + AuditSchema.SCHEMA + ".security_alert (alert_id, rule, severity,"
            + " subject, window_start, window_end, event_count, threshold, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (alert_id) DO NOTHING";

    private final DataSource writer;

    public AlertStore(DataSource writer) {
        this.writer = writer;
    }

    /** Stores the alerts not stored before, in one transaction; returns how many were new. */
    public int store(List<SecurityAlert> alerts) throws SQLException {
        try (Connection connection = writer.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (SecurityAlert alert : alerts) {
                    insert.setObject(1, UUID.fromString(alert.alertId()));
                    insert.setString(2, alert.rule());
                    insert.setString(3, alert.severity());
                    insert.setString(4, alert.subject());
                    insert.setTimestamp(5, Timestamp.from(Instant.parse(alert.windowStart())));
                    insert.setTimestamp(6, Timestamp.from(Instant.parse(alert.windowEnd())));
                    insert.setLong(7, alert.count());
                    insert.setLong(8, alert.threshold());
                    insert.setArray(9, connection.createArrayOf("text", alert.evidence().toArray()));
                    insert.addBatch();
                }
                int stored = 0;
                for (int rows : insert.executeBatch()) {
                    stored += Math.max(rows, 0);
                }
                connection.commit();
                return stored;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
