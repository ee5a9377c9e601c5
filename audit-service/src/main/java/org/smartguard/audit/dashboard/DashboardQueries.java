package org.smartguard.audit.dashboard;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.audit.store.AuditSchema;
import org.smartguard.audit.store.StoreWiring;

/**
 * The dashboard's aggregates over the events recorded since a time, as the read-only-for-events writer role.
 * A denial is an event whose outcome is not success (refused requests, failed logins).
 */
@ApplicationScoped
public class DashboardQueries {

    private static final String EVENTS = AuditSchema.SCHEMA + ".events";
    private static final String HUMAN_USER = "$.agent[*] ? (@.type.coding[*].code == \"humanuser\").who";

    /** Events and denials of one hour. */
    public record HourCount(long events, long denials) {
    }

    /** A user or address and how many events it has. */
    public record Volume(String name, long events) {
    }

    private final DataSource reader;

    DashboardQueries(@io.quarkus.agroal.DataSource(StoreWiring.WRITER_DATASOURCE) DataSource reader) {
        this.reader = reader;
    }

    /** Per hour (UTC, the start of the hour) that has events. */
    public Map<Instant, HourCount> perHour(Instant since) throws SQLException {
        Map<Instant, HourCount> hours = new TreeMap<>();
        try (Connection connection = reader.getConnection(); PreparedStatement query = connection.prepareStatement(
                "SELECT date_trunc('hour', recorded), count(*), count(*) FILTER (WHERE payload::jsonb ->> 'outcome' <> '0')"
                        + " FROM " + EVENTS + " WHERE recorded >= ? GROUP BY 1")) {
            query.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    hours.put(rows.getTimestamp(1).toInstant(), new HourCount(rows.getLong(2), rows.getLong(3)));
                }
            }
        }
        return hours;
    }

    /** The users with most events: their FHIR resource, else their identifier. */
    public List<Volume> topUsers(Instant since, int limit) throws SQLException {
        return top("coalesce(jsonb_path_query_first(payload::jsonb, '" + HUMAN_USER + ".reference') #>> '{}',"
                + " jsonb_path_query_first(payload::jsonb, '" + HUMAN_USER + ".identifier.value') #>> '{}')", since, limit);
    }

    /** The client addresses with most events. */
    public List<Volume> topAddresses(Instant since, int limit) throws SQLException {
        return top("jsonb_path_query_first(payload::jsonb, '$.agent[*].network.address') #>> '{}'", since, limit);
    }

    private List<Volume> top(String expression, Instant since, int limit) throws SQLException {
        List<Volume> top = new ArrayList<>();
        try (Connection connection = reader.getConnection(); PreparedStatement query = connection.prepareStatement(
                "SELECT name, count(*) FROM (SELECT " + expression + " AS name FROM " + EVENTS + " WHERE recorded >= ?) e"
                        + " WHERE name IS NOT NULL GROUP BY name ORDER BY 2 DESC, 1 LIMIT ?")) {
            query.setTimestamp(1, Timestamp.from(since));
            query.setInt(2, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    top.add(new Volume(rows.getString(1), rows.getLong(2)));
                }
            }
        }
        return top;
    }
}
