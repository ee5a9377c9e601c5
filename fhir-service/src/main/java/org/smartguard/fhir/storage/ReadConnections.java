package org.smartguard.fhir.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.hibernate.Session;
import org.postgresql.PGStatement;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The connection a query of a read-only interaction (read, vread, search, history) runs on. Inside a transaction (a
 * transaction bundle's GET or search, a conditional create's match) it is the transaction's own, after Hibernate's
 * pending writes are flushed, so earlier entries are seen. Alone, such an interaction needs no transaction: its
 * queries run on a pooled connection in auto-commit, without a Hibernate session or a JTA transaction to set up, and
 * its audit event goes through the outbox's group commit.
 */
@ApplicationScoped
public class ReadConnections {

    /** Work on a connection; the connection is not the work's to close. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final EntityManager entityManager;
    private final DataSource dataSource;

    ReadConnections(EntityManager entityManager, DataSource dataSource) {
        this.entityManager = entityManager;
        this.dataSource = dataSource;
    }

    /**
     * A statement planned for its own values at every execution, never from a cached generic plan: a search's best
     * plan depends on its values (one patient's 20 rows against a category's 15,000), and the generic plan PostgreSQL
     * cached after five executions took the category first and made vital-signs searches 16x slower. Every other
     * statement (a read by primary key, the audit outbox's insert, the relay's claim) keeps its cached plan: planning
     * them anew at each execution was 40% of PostgreSQL's CPU per read.
     */
    public static PreparedStatement plannedPerExecution(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        // the driver then never names the statement on the server, and PostgreSQL plans an unnamed one at each Bind
        statement.unwrap(PGStatement.class).setPrepareThreshold(0);
        return statement;
    }

    public <T> T run(Work<T> work) {
        if (QuarkusTransaction.isActive()) {
            entityManager.flush();
            return entityManager.unwrap(Session.class).doReturningWork(work::run);
        }
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + e.getMessage(), e);
        }
    }
}
