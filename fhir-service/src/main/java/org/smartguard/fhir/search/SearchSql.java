package org.smartguard.fhir.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.fhir.storage.ReadConnections;

/**
 * Runs search SQL on the transaction's own connection, or, for a search alone, on a pooled one ({@link ReadConnections}). Every value is a bind parameter; lists are bound as one
 * PostgreSQL array ({@code = ANY (?)}), so a page of ids never becomes SQL text either.
 */
@ApplicationScoped
class SearchSql {

    /** A list bound as one SQL array of the given element type ({@code bigint}, {@code varchar}). */
    record ArrayBind(String elementType, List<?> values) {
    }

    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private final ReadConnections connections;

    SearchSql(ReadConnections connections) {
        this.connections = connections;
    }

    <T> List<T> query(String sql, List<Object> binds, RowMapper<T> mapper) {
        return connections.run(connection -> {
            List<T> results = new ArrayList<>();
            try (PreparedStatement statement = prepare(connection, sql, binds); ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    results.add(mapper.map(rows));
                }
            }
            return results;
        });
    }

    /** A statement with every value bound ({@link ArrayBind}s as SQL arrays). */
    static PreparedStatement prepare(Connection connection, String sql, List<Object> binds) throws SQLException {
        PreparedStatement statement = ReadConnections.plannedPerExecution(connection, sql);
        for (int i = 0; i < binds.size(); i++) {
            Object value = binds.get(i);
            if (value instanceof ArrayBind array) {
                statement.setArray(i + 1, connection.createArrayOf(array.elementType(), array.values().toArray()));
            } else {
                statement.setObject(i + 1, value);
            }
        }
        return statement;
    }
}
