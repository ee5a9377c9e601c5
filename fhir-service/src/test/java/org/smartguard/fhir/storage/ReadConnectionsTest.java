package org.smartguard.fhir.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Which statements may get a cached generic plan: only a statement the server holds by name (the driver names one after
 * a few executions) can; a search's statement must never become one, everything else should.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class ReadConnectionsTest {

    /** Each test its own text: the pool may hand both the same server session. */
    private static final String SEARCH_SQL = "SELECT count(*) AS by_search FROM resource WHERE res_type = ? AND res_id = ?";
    private static final String READ_SQL = "SELECT count(*) AS by_read FROM resource WHERE res_type = ? AND res_id = ?";

    @Inject
    DataSource database;

    @Test
    void aStatementPlannedPerExecutionIsNeverHeldByNameOnTheServer() throws SQLException {
        try (Connection connection = database.getConnection()) {
            for (int i = 0; i < 10; i++) {
                try (PreparedStatement statement = ReadConnections.plannedPerExecution(connection, SEARCH_SQL)) {
                    execute(statement);
                }
            }
            assertEquals(0, namedOnServer(connection, SEARCH_SQL));
        }
    }

    @Test
    void anOrdinaryStatementRepeatedIsHeldByNameAndKeepsItsPlan() throws SQLException {
        try (Connection connection = database.getConnection()) {
            for (int i = 0; i < 10; i++) {
                try (PreparedStatement statement = connection.prepareStatement(READ_SQL)) {
                    execute(statement);
                }
            }
            assertEquals(1, namedOnServer(connection, READ_SQL));
        }
    }

    private static void execute(PreparedStatement statement) throws SQLException {
        statement.setString(1, "Patient");
        statement.setString(2, "no-such-patient");
        try (ResultSet rows = statement.executeQuery()) {
            rows.next();
        }
    }

    private static int namedOnServer(Connection connection, String sql) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM pg_prepared_statements WHERE statement = ?")) {
            query.setString(1, sql.replaceFirst("\\?", "\\$1").replaceFirst("\\?", "\\$2"));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
