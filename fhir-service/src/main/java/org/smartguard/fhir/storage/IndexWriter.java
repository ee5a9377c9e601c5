package org.smartguard.fhir.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.hibernate.Session;
import org.smartguard.fhir.search.IndexRows;

/**
 * Writes a resource's search index rows and compartments with JDBC batches, in the caller's transaction (the same
 * connection Hibernate uses), replacing the rows of its previous version.
 */
@ApplicationScoped
public class IndexWriter {

    private static final List<String> INDEX_TABLES = List.of("sp_string", "sp_token", "sp_date", "sp_reference",
            "sp_quantity", "sp_number", "sp_uri");

    private final EntityManager entityManager;

    IndexWriter(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Replaces the index rows; compartments are replaced too unless {@code rows} is null (a delete keeps them). */
    public void replace(StoredResource resource, IndexRows rows) {
        entityManager.flush();
        entityManager.unwrap(Session.class).doWork(connection -> {
            for (String table : INDEX_TABLES) {
                delete(connection, "DELETE FROM " + table + " WHERE res_pk = ?", resource.pk);
            }
            if (rows == null) {
                return;
            }
            delete(connection, "DELETE FROM resource_compartment WHERE res_pk = ?", resource.pk);
            insert(connection, resource, rows);
        });
    }

    private static void delete(Connection connection, String sql, long pk) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, pk);
            statement.executeUpdate();
        }
    }

    private static void insert(Connection connection, StoredResource resource, IndexRows rows) throws SQLException {
        long pk = resource.pk;
        String type = resource.resourceType;
        batch(connection, "INSERT INTO sp_string (res_pk, res_type, name, value_norm, value_exact) VALUES (?, ?, ?, ?, ?)", rows.strings,
                (s, row) -> set(s, pk, type, row.name(), row.normalized(), row.exact()));
        batch(connection, "INSERT INTO sp_token (res_pk, res_type, name, system, code, text) VALUES (?, ?, ?, ?, ?, ?)", rows.tokens,
                (s, row) -> set(s, pk, type, row.name(), row.system(), row.code(), row.text()));
        batch(connection, "INSERT INTO sp_date (res_pk, res_type, name, low, high) VALUES (?, ?, ?, ?, ?)", rows.dates,
                (s, row) -> set(s, pk, type, row.name(), Timestamp.from(row.low()), Timestamp.from(row.high())));
        batch(connection, "INSERT INTO sp_reference (res_pk, res_type, name, target_type, target_id) VALUES (?, ?, ?, ?, ?)", rows.references,
                (s, row) -> set(s, pk, type, row.name(), row.targetType(), row.targetId()));
        batch(connection, "INSERT INTO sp_quantity (res_pk, res_type, name, value, system, code) VALUES (?, ?, ?, ?, ?, ?)", rows.quantities,
                (s, row) -> set(s, pk, type, row.name(), row.value(), row.system(), row.code()));
        batch(connection, "INSERT INTO sp_number (res_pk, res_type, name, value) VALUES (?, ?, ?, ?)", rows.numbers,
                (s, row) -> set(s, pk, type, row.name(), row.value()));
        batch(connection, "INSERT INTO sp_uri (res_pk, res_type, name, value) VALUES (?, ?, ?, ?)", rows.uris,
                (s, row) -> set(s, pk, type, row.name(), row.value()));
        batch(connection, "INSERT INTO resource_compartment (res_pk, patient_id) VALUES (?, ?)", List.copyOf(rows.compartmentPatients),
                (s, patient) -> set(s, pk, patient));
    }

    private interface Binder<T> {
        void bind(PreparedStatement statement, T row) throws SQLException;
    }

    private static <T> void batch(Connection connection, String sql, List<T> rows, Binder<T> binder) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (T row : rows) {
                binder.bind(statement, row);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static void set(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            statement.setObject(i + 1, values[i]);
        }
    }
}
