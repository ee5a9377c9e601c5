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
 * Writes resources' search index rows and compartments with JDBC batches, in the caller's transaction (the same
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

    /** A resource and the index rows and compartments it contributes. */
    public record Indexed(StoredResource resource, IndexRows rows) {
    }

    /**
     * Writes the index rows and compartments of resources stored for the first time (they have none to replace):
     * one batch per table for all of them, sent as multi-row INSERTs.
     */
    public void add(List<Indexed> created) {
        if (created.isEmpty()) {
            return;
        }
        entityManager.flush();
        entityManager.unwrap(Session.class).doWork(connection -> insert(connection, created));
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
            insert(connection, List.of(new Indexed(resource, rows)));
        });
    }

    private static void delete(Connection connection, String sql, long pk) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, pk);
            statement.executeUpdate();
        }
    }

    private static void insert(Connection connection, List<Indexed> created) throws SQLException {
        batch(connection, "INSERT INTO sp_string (res_pk, res_type, name, value_norm, value_exact, grp) VALUES (?, ?, ?, ?, ?, ?)",
                grouped(created, r -> r.strings), (s, res, row, grp) -> set(s, res.pk, res.resourceType, row.name(), row.normalized(), row.exact(), grp));
        batch(connection, "INSERT INTO sp_token (res_pk, res_type, name, system, code, text, grp) VALUES (?, ?, ?, ?, ?, ?, ?)",
                grouped(created, r -> r.tokens), (s, res, row, grp) -> set(s, res.pk, res.resourceType, row.name(), row.system(), row.code(), row.text(), grp));
        batch(connection, "INSERT INTO sp_date (res_pk, res_type, name, low, high, grp) VALUES (?, ?, ?, ?, ?, ?)",
                grouped(created, r -> r.dates), (s, res, row, grp) -> set(s, res.pk, res.resourceType, row.name(), Timestamp.from(row.low()), Timestamp.from(row.high()), grp));
        batch(connection, "INSERT INTO sp_reference (res_pk, res_type, name, target_type, target_id, grp) VALUES (?, ?, ?, ?, ?, ?)",
                grouped(created, r -> r.references), (s, res, row, grp) -> set(s, res.pk, res.resourceType, row.name(), row.targetType(), row.targetId(), grp));
        batch(connection, "INSERT INTO sp_quantity (res_pk, res_type, name, value, system, code, grp) VALUES (?, ?, ?, ?, ?, ?, ?)",
                grouped(created, r -> r.quantities), (s, res, row, grp) -> set(s, res.pk, res.resourceType, row.name(), row.value(), row.system(), row.code(), grp));
        batch(connection, "INSERT INTO sp_number (res_pk, res_type, name, value, grp) VALUES (?, ?, ?, ?, ?)",
                grouped(created, r -> r.numbers), (s, res, row, grp) -> set(s, res.pk, res.resourceType, row.name(), row.value(), grp));
        batch(connection, "INSERT INTO sp_uri (res_pk, res_type, name, value, grp) VALUES (?, ?, ?, ?, ?)",
                grouped(created, r -> r.uris), (s, res, row, grp) -> set(s, res.pk, res.resourceType, row.name(), row.value(), grp));
        List<Grouped<String>> compartments = new ArrayList<>();
        created.forEach(indexed -> indexed.rows().compartmentPatients.forEach(patient -> compartments.add(new Grouped<>(indexed.resource(), patient, null))));
        batch(connection, "INSERT INTO resource_compartment (res_pk, patient_id) VALUES (?, ?)", compartments,
                (s, res, patient, grp) -> set(s, res.pk, patient));
    }

    /** A row, its resource and its composite group number (null for the rows of ordinary parameters). */
    private record Grouped<T>(StoredResource resource, T row, Integer grp) {
    }

    /** The rows of one table: each resource's ordinary ones, then each of its composite groups', in one batch. */
    private static <T> List<Grouped<T>> grouped(List<Indexed> created, Function<IndexRows, List<T>> table) {
        List<Grouped<T>> all = new ArrayList<>();
        for (Indexed indexed : created) {
            IndexRows rows = indexed.rows();
            table.apply(rows).forEach(row -> all.add(new Grouped<>(indexed.resource(), row, null)));
            for (int grp = 0; grp < rows.compositeGroups.size(); grp++) {
                for (T row : table.apply(rows.compositeGroups.get(grp))) {
                    all.add(new Grouped<>(indexed.resource(), row, grp));
                }
            }
        }
        return all;
    }

    private interface Binder<T> {
        void bind(PreparedStatement statement, StoredResource resource, T row, Integer grp) throws SQLException;
    }

    private static <T> void batch(Connection connection, String sql, List<Grouped<T>> rows, Binder<T> binder) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Grouped<T> row : rows) {
                binder.bind(statement, row.resource(), row.row(), row.grp());
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
