package org.smartguard.fhir.export;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The {@code export_job} and {@code export_file} tables. Each call takes a connection of its own: inside a JTA
 * transaction (kick-off, cancel) it joins it, outside (the worker) each statement commits by itself, so progress is
 * visible to status polls at once. Claims and heartbeats name the worker, so a job taken over by another replica
 * (its heartbeat went stale) is never written by two.
 */
@ApplicationScoped
class ExportJobs {

    private static final String COLUMNS = "id, state, request, parameters, client_id, subject, fhir_user, token_jti, scope, patient_hint,"
            + " types_done, types_total, resources, transaction_time, created, expires, error";

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private interface Mapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private final DataSource dataSource;

    ExportJobs(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void insert(ExportJob job) {
        update("INSERT INTO export_job (id, state, request, parameters, client_id, subject, fhir_user, token_jti, scope, patient_hint, created)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
                    s.setObject(1, job.id());
                    s.setString(2, job.state());
                    s.setString(3, job.request());
                    s.setString(4, job.parameters());
                    s.setString(5, job.clientId());
                    s.setString(6, job.subject());
                    s.setString(7, job.fhirUser());
                    s.setString(8, job.tokenJti());
                    s.setString(9, job.scope());
                    s.setString(10, job.patientHint());
                    s.setTimestamp(11, Timestamp.from(job.created()));
                });
    }

    /** Serializes kick-offs of one client until the transaction ends, so two at once cannot both pass the limit. */
    void lockClient(String clientId) {
        query("SELECT pg_advisory_xact_lock(hashtext(?))", s -> s.setString(1, "export:" + clientId), row -> 1);
    }

    /** Jobs of the client that are queued or running. */
    int inFlight(String clientId) {
        return query("SELECT count(*) FROM export_job WHERE client_id = ? AND state IN ('accepted', 'in-progress')",
                s -> s.setString(1, clientId), row -> row.getInt(1)).get(0);
    }

    Optional<ExportJob> find(UUID id) {
        return query("SELECT " + COLUMNS + " FROM export_job WHERE id = ?", s -> s.setObject(1, id), ExportJobs::job).stream().findFirst();
    }

    /**
     * Takes the oldest queued job, or a running one whose worker has not reported within {@code lease} (it stopped),
     * for {@code worker}; {@code SKIP LOCKED}, so replicas claiming at once take different jobs.
     */
    Optional<UUID> claim(String worker, Duration lease) {
        return query("UPDATE export_job SET state = 'in-progress', worker = ?, heartbeat = now(), attempts = attempts + 1"
                + " WHERE id = (SELECT id FROM export_job WHERE state = 'accepted'"
                + " OR (state = 'in-progress' AND heartbeat < now() - ? * interval '1 millisecond')"
                + " ORDER BY created FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id", s -> {
                    s.setString(1, worker);
                    s.setLong(2, lease.toMillis());
                }, row -> row.getObject(1, UUID.class)).stream().findFirst();
    }

    /** A stopping worker hands its running jobs back to the queue, so the next start resumes them at once. */
    void release(String worker) {
        update("UPDATE export_job SET state = 'accepted', worker = NULL, heartbeat = NULL WHERE worker = ? AND state = 'in-progress'",
                s -> s.setString(1, worker));
    }

    /** A (re)started run: progress reset, earlier files forgotten, the snapshot's time recorded. */
    boolean begin(UUID id, String worker, int typesTotal, Instant transactionTime) {
        update("DELETE FROM export_file WHERE job_id = ?", s -> s.setObject(1, id));
        return update("UPDATE export_job SET types_done = 0, types_total = ?, resources = 0, transaction_time = ?, heartbeat = now()"
                + " WHERE id = ? AND worker = ? AND state = 'in-progress'", s -> {
                    s.setInt(1, typesTotal);
                    s.setTimestamp(2, Timestamp.from(transactionTime));
                    s.setObject(3, id);
                    s.setString(4, worker);
                }) == 1;
    }

    /**
     * Progress and heartbeat in one statement.
     *
     * @return false when the job is no longer this worker's to run (cancelled, or taken over): the run stops
     */
    boolean beat(UUID id, String worker, int typesDone, long resources) {
        return update("UPDATE export_job SET types_done = ?, resources = ?, heartbeat = now() WHERE id = ? AND worker = ? AND state = 'in-progress'",
                s -> {
                    s.setInt(1, typesDone);
                    s.setLong(2, resources);
                    s.setObject(3, id);
                    s.setString(4, worker);
                }) == 1;
    }

    void addFile(UUID id, ExportFile file) {
        update("INSERT INTO export_file (job_id, name, kind, res_type, resources, patients) VALUES (?, ?, ?, ?, ?, ?)", s -> {
            s.setObject(1, id);
            s.setString(2, file.name());
            s.setString(3, file.kind());
            s.setString(4, file.type());
            s.setLong(5, file.resources());
            s.setString(6, String.join(",", file.patients()));
        });
    }

    /** @return false when the job was cancelled or taken over meanwhile */
    boolean finish(UUID id, String worker, String state, String error, Instant expires) {
        return update("UPDATE export_job SET state = ?, error = ?, completed = now(), expires = ?, heartbeat = now()"
                + " WHERE id = ? AND worker = ? AND state = 'in-progress'", s -> {
                    s.setString(1, state);
                    s.setString(2, error);
                    s.setTimestamp(3, Timestamp.from(expires));
                    s.setObject(4, id);
                    s.setString(5, worker);
                }) == 1;
    }

    /** Marks a job cancelled; a running worker notices at its next heartbeat and removes what it wrote. */
    void cancel(UUID id) {
        update("UPDATE export_job SET state = 'cancelled' WHERE id = ?", s -> s.setObject(1, id));
    }

    List<ExportFile> files(UUID id) {
        return query("SELECT name, kind, res_type, resources, patients FROM export_file WHERE job_id = ? ORDER BY kind DESC, res_type, name",
                s -> s.setObject(1, id), ExportJobs::file);
    }

    Optional<ExportFile> file(UUID id, String name) {
        return query("SELECT name, kind, res_type, resources, patients FROM export_file WHERE job_id = ? AND name = ?", s -> {
            s.setObject(1, id);
            s.setString(2, name);
        }, ExportJobs::file).stream().findFirst();
    }

    /**
     * Jobs whose files may go: finished ones past their expiry, and cancelled ones no worker can still be writing
     * (their heartbeat is older than the lease).
     */
    List<UUID> removable(Duration lease) {
        return query("SELECT id FROM export_job WHERE (state IN ('completed', 'failed') AND expires < now())"
                + " OR (state = 'cancelled' AND (heartbeat IS NULL OR heartbeat < now() - ? * interval '1 millisecond'))",
                s -> s.setLong(1, lease.toMillis()), row -> row.getObject(1, UUID.class));
    }

    void delete(UUID id) {
        update("DELETE FROM export_job WHERE id = ?", s -> s.setObject(1, id));
    }

    private static ExportJob job(ResultSet row) throws SQLException {
        return new ExportJob(row.getObject("id", UUID.class), row.getString("state"), row.getString("request"), row.getString("parameters"),
                row.getString("client_id"), row.getString("subject"), row.getString("fhir_user"), row.getString("token_jti"),
                row.getString("scope"), row.getString("patient_hint"), row.getInt("types_done"), row.getInt("types_total"),
                row.getLong("resources"), instant(row, "transaction_time"), instant(row, "created"), instant(row, "expires"),
                row.getString("error"));
    }

    private static ExportFile file(ResultSet row) throws SQLException {
        String patients = row.getString("patients");
        return new ExportFile(row.getString("name"), row.getString("kind"), row.getString("res_type"), row.getLong("resources"),
                patients.isEmpty() ? List.of() : Arrays.asList(patients.split(",")));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private int update(String sql, Binder binder) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("export job store: " + e.getMessage(), e);
        }
    }

    private <T> List<T> query(String sql, Binder binder, Mapper<T> mapper) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            List<T> results = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    results.add(mapper.map(rows));
                }
            }
            return results;
        } catch (SQLException e) {
            throw new IllegalStateException("export job store: " + e.getMessage(), e);
        }
    }
}
