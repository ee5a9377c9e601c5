package org.smartguard.audit.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import org.smartguard.audit.integrity.ChainHash;

/**
 * Appends validated events to the hash chain of their source partition, idempotently by event id, with their search
 * keys, in one transaction per call. Runs as the writer role, which may only INSERT and SELECT events and keys.
 */
public class AuditEventStore {

    private static final String S = AuditSchema.SCHEMA;
    private static final String ENSURE_HEAD = "INSERT INTO " + S + ".chain_heads"
            + " (topic, source_partition, chain_position, hash, stored_at)"
            + " VALUES (?, ?, 0, '" + ChainHash.GENESIS + "', '-infinity') ON CONFLICT DO NOTHING";
    private static final String LOCK_HEAD = "SELECT chain_position, hash, stored_at FROM " + S + ".chain_heads"
            + " WHERE topic = ? AND source_partition = ? FOR UPDATE";
    private static final String CLAIM_IDS = "INSERT INTO " + S + ".event_ids (event_id, stored_at)"
            + " SELECT id, ? FROM unnest(?::uuid[]) id ON CONFLICT (event_id) DO NOTHING RETURNING event_id";
    private static final String INSERT_EVENT = "INSERT INTO " + S + ".events (event_id, topic, source_partition, source_offset,"
            + " chain_position, recorded, stored_at, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    // the keys come from the stored payload itself, through the one extraction function the migration defines
    private static final String INSERT_KEYS = "INSERT INTO " + S + ".event_keys (search_key, recorded, event_id, stored_at)"
            + " SELECT k.search_key, e.recorded, e.event_id, e.stored_at FROM " + S + ".events e"
            + " CROSS JOIN LATERAL " + S + ".event_search_keys(e.payload::jsonb) AS k (search_key)"
            + " WHERE e.stored_at = ? AND e.event_id = ANY (?)";
    private static final String MOVE_HEAD = "UPDATE " + S + ".chain_heads SET chain_position = ?, hash = ?, stored_at = ?"
            + " WHERE topic = ? AND source_partition = ?";

    private final DataSource writer;
    private final Clock clock;

    public AuditEventStore(DataSource writer, Clock clock) {
        this.writer = writer;
        this.clock = clock;
    }

    /** Stores the events of one source partition in order; returns once the transaction committed. */
    public AppendResult append(String topic, int partition, List<IncomingEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return new AppendResult(0, 0);
        }
        try (Connection connection = writer.getConnection()) {
            connection.setAutoCommit(false);
            try {
                AppendResult result = appendLocked(connection, topic, partition, events);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private AppendResult appendLocked(Connection connection, String topic, int partition, List<IncomingEvent> events)
            throws SQLException {
        try (PreparedStatement ensure = connection.prepareStatement(ENSURE_HEAD)) {
            ensure.setString(1, topic);
            ensure.setInt(2, partition);
            ensure.executeUpdate();
        }
        long position;
        String hash;
        Instant headStoredAt;
        // the head is locked first, before any event id, so two appenders of one chain queue instead of deadlocking
        try (PreparedStatement lock = connection.prepareStatement(LOCK_HEAD)) {
            lock.setString(1, topic);
            lock.setInt(2, partition);
            try (ResultSet head = lock.executeQuery()) {
                head.next();
                position = head.getLong(1);
                hash = head.getString(2);
                // a new chain's head has no time yet ('-infinity')
                headStoredAt = position == 0 ? Instant.MIN : head.getTimestamp(3).toInstant();
            }
        }
        // stored_at never goes back along a chain (a replica's clock may lag), so retention cuts chains at a prefix
        Instant now = clock.instant();
        Timestamp storedAt = Timestamp.from(now.isAfter(headStoredAt) ? now : headStoredAt);
        Set<UUID> claimed = claim(connection, events, storedAt);
        Object[] storedIds = claimed.toArray();
        int stored = 0;
        try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
            for (IncomingEvent event : events) {
                // remove: an id that came twice in one batch is stored the first time only
                if (!claimed.remove(event.eventId())) {
                    continue;
                }
                String previous = hash;
                hash = ChainHash.of(event.json(), previous);
                position++;
                insert.setObject(1, event.eventId());
                insert.setString(2, topic);
                insert.setInt(3, partition);
                insert.setLong(4, event.sourceOffset());
                insert.setLong(5, position);
                insert.setTimestamp(6, Timestamp.from(event.recorded()));
                insert.setTimestamp(7, storedAt);
                insert.setString(8, event.json());
                insert.setString(9, previous);
                insert.setString(10, hash);
                insert.addBatch();
                stored++;
            }
            if (stored > 0) {
                insert.executeBatch();
            }
        }
        if (stored > 0) {
            try (PreparedStatement keys = connection.prepareStatement(INSERT_KEYS)) {
                keys.setTimestamp(1, storedAt);
                keys.setArray(2, connection.createArrayOf("uuid", storedIds));
                keys.executeUpdate();
            }
            try (PreparedStatement move = connection.prepareStatement(MOVE_HEAD)) {
                move.setLong(1, position);
                move.setString(2, hash);
                move.setTimestamp(3, storedAt);
                move.setString(4, topic);
                move.setInt(5, partition);
                move.executeUpdate();
            }
        }
        return new AppendResult(stored, events.size() - stored);
    }

    /** Records the ids not stored before, in one statement; returns them. */
    private static Set<UUID> claim(Connection connection, List<IncomingEvent> events, Timestamp storedAt) throws SQLException {
        Set<UUID> claimed = new HashSet<>();
        try (PreparedStatement claim = connection.prepareStatement(CLAIM_IDS)) {
            claim.setTimestamp(1, storedAt);
            claim.setArray(2, connection.createArrayOf("uuid", events.stream().map(IncomingEvent::eventId).toArray()));
            try (ResultSet rows = claim.executeQuery()) {
                while (rows.next()) {
                    claimed.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return claimed;
    }
}
