package org.smartguard.audit.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.postgresql.PGStatement;
import org.smartguard.audit.store.StoreWiring;

/**
 * Runs AuditEvent searches and exports ({@link AuditEventQuery}) as the restricted writer role (it may read events,
 * never change them), in {@code recorded} order with the event id as tie breaker.
 */
@ApplicationScoped
public class AuditEventSearch {

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
        // one more than asked: whether a next page exists, without counting
        AuditEventQuery sql = AuditEventQuery.page(criteria, newestFirst, after, count + 1);
        try (Connection connection = reader.getConnection(); PreparedStatement query = connection.prepareStatement(sql.sql())) {
            // planned with its own values every time, never as a generic plan: the right plan depends on how common
            // these very keys are (the driver would otherwise switch to a server-side prepared statement after 5 uses)
            query.unwrap(PGStatement.class).setPrepareThreshold(0);
            sql.bind(query);
            List<StoredEvent> rows = new ArrayList<>(count + 1);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result));
                }
            }
            PageCursor next = null;
            if (rows.size() > count) {
                rows.remove(count);
                StoredEvent last = rows.get(count - 1);
                next = new PageCursor(last.recorded(), last.id());
            }
            return new Page(rows.stream().filter(event -> event.json() != null).toList(), next);
        }
    }

    /**
     * Streams every matching event, oldest first, holding one fetch of rows at a time (a server-side cursor: the
     * PostgreSQL driver fetches {@code fetchSize} rows per round trip only inside a transaction).
     */
    public long stream(AuditEventCriteria criteria, int fetchSize, RowSink sink) throws SQLException, java.io.IOException {
        try (Connection connection = reader.getConnection()) {
            connection.setAutoCommit(false);
            AuditEventQuery sql = AuditEventQuery.all(criteria);
            try (PreparedStatement query = connection.prepareStatement(sql.sql())) {
                sql.bind(query);
                query.setFetchSize(fetchSize);
                long sent = 0;
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        StoredEvent event = row(rows);
                        if (event.json() != null) {
                            sink.accept(event);
                            sent++;
                        }
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
