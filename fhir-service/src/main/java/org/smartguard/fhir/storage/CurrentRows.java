package org.smartguard.fhir.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The current row of a resource together with the patients whose compartments it is in, in one round trip: what a
 * read needs both to decide visibility and to name the patients in its audit event. The row is not managed by
 * Hibernate (reads change nothing); writers lock theirs with {@link StoredResource#findCurrentForUpdate}.
 */
@ApplicationScoped
class CurrentRows {

    private static final String SQL = "SELECT r.pk, r.version, r.last_updated, r.deleted, r.json,"
            + " ARRAY(SELECT c.patient_id FROM resource_compartment c WHERE c.res_pk = r.pk)"
            + " FROM resource r WHERE r.res_type = ? AND r.res_id = ?";

    /** A current row and its compartments. */
    record Current(StoredResource resource, List<String> compartmentPatients) {
    }

    private final ReadConnections connections;

    CurrentRows(ReadConnections connections) {
        this.connections = connections;
    }

    Optional<Current> find(String type, String id) {
        return connections.run(connection -> find(connection, type, id));
    }

    private static Optional<Current> find(Connection connection, String type, String id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setString(1, type);
            statement.setString(2, id);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                StoredResource stored = new StoredResource();
                stored.pk = row.getLong(1);
                stored.resourceType = type;
                stored.resourceId = id;
                stored.version = row.getLong(2);
                stored.lastUpdated = row.getTimestamp(3).toInstant();
                stored.deleted = row.getBoolean(4);
                stored.json = row.getString(5);
                return Optional.of(new Current(stored, List.of((String[]) row.getArray(6).getArray())));
            }
        }
    }
}
