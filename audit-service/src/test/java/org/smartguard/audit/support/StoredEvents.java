package org.smartguard.audit.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

/** Reads the store directly, as its owner, to see what the service wrote. */
public final class StoredEvents {

    private final DataSource owner;

    public StoredEvents(DataSource owner) {
        this.owner = owner;
    }

    /** Rows stored from {@code topic}. */
    public long count(String topic) {
        return single("SELECT count(*) FROM audit_log.events WHERE topic = ?", topic);
    }

    /** How many rows each stored event id of {@code topic} has. */
    public Map<String, Integer> rowsPerEventId(String topic) {
        Map<String, Integer> rows = new HashMap<>();
        try (Connection connection = owner.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT event_id::text, count(*) FROM audit_log.events WHERE topic = ? GROUP BY event_id")) {
            query.setString(1, topic);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getString(1), result.getInt(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** Removes what tests stored from {@code topic}, so the test database stays small and every chain in it intact. */
    public void forget(String topic) {
        executeAsOwner("DELETE FROM audit_log.event_ids WHERE event_id IN (SELECT event_id FROM audit_log.events WHERE topic = ?)", topic);
        executeAsOwner("DELETE FROM audit_log.events WHERE topic = ?", topic);
        executeAsOwner("DELETE FROM audit_log.chain_heads WHERE topic = ?", topic);
        executeAsOwner("DELETE FROM audit_log.chain_anchors WHERE topic = ?", topic);
        // their search keys, and those of events a test deleted itself
        executeAsOwner("DELETE FROM audit_log.event_keys k WHERE NOT EXISTS (SELECT 1 FROM audit_log.events e"
                + " WHERE e.event_id = k.event_id AND e.stored_at = k.stored_at)");
    }

    /** Runs a statement as the owner (what a DBA with table rights could do behind the service's back). */
    public int executeAsOwner(String sql, Object... parameters) {
        try (Connection connection = owner.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public long single(String sql, Object... parameters) {
        try (Connection connection = owner.getConnection(); PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
