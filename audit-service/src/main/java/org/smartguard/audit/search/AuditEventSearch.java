package org.smartguard.audit.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.audit.store.AuditSchema;
import org.smartguard.audit.store.StoreWiring;

/**
 * Runs AuditEvent searches and exports as the restricted writer role (it may read events, never change them), in
 * {@code recorded} order with the event id as tie breaker, served by the {@code (recorded, event_id)} index.
 */
@ApplicationScoped
public class AuditEventSearch {

    private static final String SELECT = "SELECT event_id, recorded, payload FROM " + AuditSchema.SCHEMA + ".events WHERE ";

    /** One page and where the next one starts (null on the last page). */
    public record Page(List<StoredEvent> events, PageCursor next) {
    }

    /** Receives the rows of an export one at a time. */
    @FunctionalInterface
    public interface RowSink {
        void accept(StoredEvent event) throws java.io.IOException;
    }

    private final DataSource reader;

    AuditEventSearch(@io.quarkus.agroal.DataSource(StoreWiring.WRITER_DATASOURCE) DataSource reader) {
        this.reader = reader;
    }

    public Page page(AuditEventCriteria criteria, boolean newestFirst, PageCursor after, int count) throws SQLException {
        String direction = newestFirst ? "DESC" : "ASC";
        String sql = SELECT + criteria.where()
                + (after == null ? "" : " AND (recorded, event_id) " + (newestFirst ? "<" : ">") + " (?, ?)")
                + " ORDER BY recorded " + direction + ", event_id " + direction + " LIMIT ?";
        try (Connection connection = reader.getConnection(); PreparedStatement query = connection.prepareStatement(sql)) {
            int index = criteria.bind(query);
            if (after != null) {
                query.setTimestamp(index++, Timestamp.from(after.time()));
                query.setObject(index++, after.id());
            }
            // one more than asked: whether a next page exists, without counting
            query.setInt(index, count + 1);
            List<StoredEvent> events = new ArrayList<>(count + 1);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(row(rows));
                }
            }
            if (events.size() <= count) {
                return new Page(events, null);
            }
            events.remove(count);
            StoredEvent last = events.get(count - 1);
            return new Page(events, new PageCursor(last.recorded(), last.id()));
        }
    }

    /**
     * Streams every matching event, oldest first, holding one fetch of rows at a time (a server-side cursor: the
     * PostgreSQL driver fetches {@code fetchSize} rows per round trip only inside a transaction).
     */
    public long stream(AuditEventCriteria criteria, int fetchSize, RowSink sink) throws SQLException, java.io.IOException {
        try (Connection connection = reader.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement query = connection.prepareStatement(SELECT + criteria.where()
                    + " ORDER BY recorded, event_id")) {
                criteria.bind(query);
                query.setFetchSize(fetchSize);
                long sent = 0;
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        sink.accept(row(rows));
                        sent++;
                    }
                }
                return sent;
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    private static StoredEvent row(ResultSet rows) throws SQLException {
        return new StoredEvent(rows.getObject(1, UUID.class), rows.getTimestamp(2).toInstant(), rows.getString(3));
    }
}
