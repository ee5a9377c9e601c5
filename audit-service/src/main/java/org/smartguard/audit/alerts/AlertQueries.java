package org.smartguard.audit.alerts;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.audit.search.PageCursor;
import org.smartguard.audit.store.AuditSchema;
import org.smartguard.audit.store.StoreWiring;

/**
 * Reads and acknowledges stored alerts as the writer role, which may change only an alert's status columns.
 * Listing is newest first with keyset paging on {@code (raised_at, alert_id)}.
 */
@ApplicationScoped
public class AlertQueries {

    private static final String T = AuditSchema.SCHEMA + ".security_alert";
    private static final String COLUMNS = "alert_id, rule, severity, subject, window_start, window_end, event_count, threshold,"
            + " evidence, status, raised_at, acknowledged_at, acknowledged_by";

    /** Filters of a listing; null = any. */
    public record Filter(String rule, String severity, String status) {
    }

    public record Page(List<StoredAlert> alerts, PageCursor next) {
    }

    private final DataSource writer;

    AlertQueries(@io.quarkus.agroal.DataSource(StoreWiring.WRITER_DATASOURCE) DataSource writer) {
        this.writer = writer;
    }

    public Page list(Filter filter, PageCursor after, int count) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM " + T + " WHERE TRUE");
        List<Object> values = new ArrayList<>();
        where(sql, values, "rule", filter.rule());
        where(sql, values, "severity", filter.severity());
        where(sql, values, "status", filter.status());
        if (after != null) {
            sql.append(" AND (raised_at, alert_id) < (?, ?)");
            values.add(Timestamp.from(after.time()));
            values.add(after.id());
        }
        sql.append(" ORDER BY raised_at DESC, alert_id DESC LIMIT ?");
        values.add(count + 1);
        List<StoredAlert> alerts = query(sql.toString(), values);
        if (alerts.size() <= count) {
            return new Page(alerts, null);
        }
        alerts.remove(count);
        StoredAlert last = alerts.get(count - 1);
        return new Page(alerts, new PageCursor(last.raisedAt(), UUID.fromString(last.alertId())));
    }

    /** The open alerts, newest first: the dashboard's list. */
    public List<StoredAlert> open(int limit) throws SQLException {
        return list(new Filter(null, null, StoredAlert.OPEN), null, limit).alerts();
    }

    /**
     * Marks the alert acknowledged by {@code actor} now, once: acknowledging it again changes nothing and answers
     * the first acknowledgement. Empty when no alert has this id.
     */
    public Optional<StoredAlert> acknowledge(UUID alertId, String actor) throws SQLException {
        try (Connection connection = writer.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE " + T + " SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = ?"
                        + " WHERE alert_id = ? AND status = 'open'")) {
            update.setString(1, actor);
            update.setObject(2, alertId);
            update.executeUpdate();
        }
        return query("SELECT " + COLUMNS + " FROM " + T + " WHERE alert_id = ?", List.of(alertId)).stream().findFirst();
    }

    private static void where(StringBuilder sql, List<Object> values, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            values.add(value);
        }
    }

    private List<StoredAlert> query(String sql, List<Object> values) throws SQLException {
        try (Connection connection = writer.getConnection(); PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                query.setObject(i + 1, values.get(i));
            }
            List<StoredAlert> alerts = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    alerts.add(row(rows));
                }
            }
            return alerts;
        }
    }

    private static StoredAlert row(ResultSet rows) throws SQLException {
        Array evidence = rows.getArray(9);
        return new StoredAlert(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), instant(rows, 5),
                instant(rows, 6), rows.getLong(7), rows.getLong(8), Arrays.asList((String[]) evidence.getArray()),
                rows.getString(10), instant(rows, 11), instant(rows, 12), rows.getString(13));
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        Timestamp value = rows.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
