package org.smartguard.fhir.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

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

    /** Writes the index rows and compartments of a resource stored for the first time: it has none to replace. */
    public void add(StoredResource resource, IndexRows rows) {
        entityManager.flush();
        entityManager.unwrap(Session.class).doWork(connection -> insert(connection, resource, rows));
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
        batch(connection, "INSERT INTO sp_string (res_pk, res_type, name, value_norm, value_exact, grp) VALUES (?, ?, ?, ?, ?, ?)",
                grouped(rows, r -> r.strings), (s, row, grp) -> set(s, pk, type, row.name(), row.normalized(), row.exact(), grp));
        batch(connection, "INSERT INTO sp_token (res_pk, res_type, name, system, code, text, grp) VALUES (?, ?, ?, ?, ?, ?, ?)",
                grouped(rows, r -> r.tokens), (s, row, grp) -> set(s, pk, type, row.name(), row.system(), row.code(), row.text(), grp));
        batch(connection, "INSERT INTO sp_date (res_pk, res_type, name, low, high, grp) VALUES (?, ?, ?, ?, ?, ?)",
                grouped(rows, r -> r.dates), (s, row, grp) -> set(s, pk, type, row.name(), Timestamp.from(row.low()), Timestamp.from(row.high()), grp));
        batch(connection, "INSERT INTO sp_reference (res_pk, res_type, name, target_type, target_id, grp) VALUES (?, ?, ?, ?, ?, ?)",
                grouped(rows, r -> r.references), (s, row, grp) -> set(s, pk, type, row.name(), row.targetType(), row.targetId(), grp));
        batch(connection, "INSERT INTO sp_quantity (res_pk, res_type, name, value, system, code, grp) VALUES (?, ?, ?, ?, ?, ?, ?)",
                grouped(rows, r -> r.quantities), (s, row, grp) -> set(s, pk, type, row.name(), row.value(), row.system(), row.code(), grp));
        batch(connection, "INSERT INTO sp_number (res_pk, res_type, name, value, grp) VALUES (?, ?, ?, ?, ?)",
                grouped(rows, r -> r.numbers), (s, row, grp) -> set(s, pk, type, row.name(), row.value(), grp));
        batch(connection, "INSERT INTO sp_uri (res_pk, res_type, name, value, grp) VALUES (?, ?, ?, ?, ?)",
                grouped(rows, r -> r.uris), (s, row, grp) -> set(s, pk, type, row.name(), row.value(), grp));
        batch(connection, "INSERT INTO resource_compartment (res_pk, patient_id) VALUES (?, ?)",
                List.copyOf(rows.compartmentPatients).stream().map(patient -> new Grouped<>(patient, null)).toList(),
                (s, patient, grp) -> set(s, pk, patient));
    }

    /** A row and its composite group number (null for the rows of ordinary parameters). */
    private record Grouped<T>(T row, Integer grp) {
    }

    /** The rows of one table: the ordinary ones, then each composite group's, in one batch. */
    private static <T> List<Grouped<T>> grouped(IndexRows rows, Function<IndexRows, List<T>> table) {
        List<Grouped<T>> all = new ArrayList<>();
        table.apply(rows).forEach(row -> all.add(new Grouped<>(row, null)));
        for (int grp = 0; grp < rows.compositeGroups.size(); grp++) {
            for (T row : table.apply(rows.compositeGroups.get(grp))) {
                all.add(new Grouped<>(row, grp));
            }
        }
        return all;
    }

    private interface Binder<T> {
        void bind(PreparedStatement statement, T row, Integer grp) throws SQLException;
    }

    private static <T> void batch(Connection connection, String sql, List<Grouped<T>> rows, Binder<T> binder) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Grouped<T> row : rows) {
                binder.bind(statement, row.row(), row.grp());
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
