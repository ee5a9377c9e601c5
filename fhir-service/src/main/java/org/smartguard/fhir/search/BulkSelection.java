package org.smartguard.fhir.search;

import java.io.IOException;
import java.io.StringWriter;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.scope.Permission;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.security.AccessDecision;
import org.smartguard.fhir.security.SmartAuthorization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The resources of one type a Bulk Data export writes, as SQL built by search's own parts: the token's access to the
 * type ({@link AccessPredicates}, the same predicates a search carries: compartment, v2 granular filters), each
 * {@code _typeFilter} parsed and applied as a search of that type ({@link SearchCriteria}, chains and {@code _has}
 * included; several filters of one type are alternatives), the population (every resource, any patient's
 * compartment, or named patients' compartments) and {@code _since}. Streamed with a server-side cursor, so an export
 * holds one fetch of rows in memory whatever its size.
 */
@ApplicationScoped
public class BulkSelection {

    /**
     * Whose resources: every resource (system level), any patient's compartment, or these patients' compartments.
     *
     * @param patients null for any patient; an empty list (a Group without members) selects nothing
     */
    public record Population(boolean compartmentsOnly, List<String> patients) {

        public static Population everything() {
            return new Population(false, null);
        }

        public static Population anyPatient() {
            return new Population(true, null);
        }

        public static Population of(List<String> patients) {
            return new Population(true, List.copyOf(patients));
        }
    }

    /** One type's selection: an SQL condition on the resource row {@code r} and its bind values. */
    public record Selection(String type, String where, List<Object> binds) {
    }

    /** What a streamed row gives: the stored JSON (one line of NDJSON) and the patients whose compartments hold it. */
    public interface RowHandler {
        void row(String json, List<String> patients) throws IOException;
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final SmartAuthorization authorization;
    private final SearchCriteria criteria;
    private final AccessPredicates access;

    BulkSelection(SmartAuthorization authorization, SearchCriteria criteria, AccessPredicates access) {
        this.authorization = authorization;
        this.criteria = criteria;
        this.access = access;
    }

    /**
     * @param typeFilters each a search of {@code type} ({@code _typeFilter}); none selects the whole type
     * @param since       only resources changed after this instant, or null
     * @throws FhirException 400 for a filter that is not a valid search of the type; SmartRefusal 403 when the token
     *                       may not search the type
     */
    public Selection of(String type, List<Map<String, List<String>>> typeFilters, Population population, Instant since) {
        AccessDecision decision = authorization.require(type, Permission.SEARCH);
        Conditions where = Conditions.all();
        if (typeFilters.isEmpty()) {
            where.add(criteria.of(type, Map.of(), false, decision).where());
        } else {
            Conditions alternatives = Conditions.any();
            for (Map<String, List<String>> filter : typeFilters) {
                filter.keySet().stream().filter(SearchControls::isControl).findFirst().ifPresent(control -> {
                    throw FhirException.badRequest("SG-FHIR-EXPORT-TYPEFILTER", "a _typeFilter holds search parameters only, not " + control);
                });
                alternatives.add(criteria.of(type, filter, false, decision).where());
            }
            where.add(alternatives.toSql());
        }
        population(where, population);
        if (since != null) {
            where.add("r.last_updated > ?", Timestamp.from(since));
        }
        SearchPredicates.Sql sql = where.toSql();
        return new Selection(type, sql.text(), sql.binds());
    }

    /**
     * The resources of a type deleted after {@code since} that the export would otherwise have held, for the
     * manifest's {@code deleted} files: the token's compartment and the population still apply (a deletion keeps
     * its compartments). A deleted resource keeps no search values, so whether it matched a {@code _typeFilter} or
     * the token's granular filters cannot be told: with either, deletions are left out rather than guessed (listing
     * one would reveal a resource the token may not see).
     *
     * @return empty when deletions of the type cannot be listed
     */
    public Optional<Selection> deletedSince(String type, boolean typeFiltered, Population population, Instant since) {
        AccessDecision decision = authorization.require(type, Permission.SEARCH);
        if (typeFiltered || !decision.filters().isEmpty()) {
            return Optional.empty();
        }
        Conditions where = Conditions.all().add("r.res_type = ?", type).add("r.deleted").add("r.last_updated > ?", Timestamp.from(since))
                .add(access.of(type, decision, "r"));
        population(where, population);
        SearchPredicates.Sql sql = where.toSql();
        return Optional.of(new Selection(type, sql.text(), sql.binds()));
    }

    private static void population(Conditions where, Population population) {
        if (population.compartmentsOnly()) {
            if (population.patients() == null) {
                where.add("EXISTS (SELECT 1 FROM resource_compartment c WHERE c.res_pk = r.pk)");
            } else {
                where.add("EXISTS (SELECT 1 FROM resource_compartment c WHERE c.res_pk = r.pk AND c.patient_id = ANY (?))",
                        new SearchSql.ArrayBind("varchar", population.patients()));
            }
        }
    }

    /**
     * Streams the selection's rows on {@code connection}, which must not be in auto-commit mode (PostgreSQL keeps a
     * cursor only inside a transaction) and should hold the export's snapshot.
     *
     * @return how many rows were handed to {@code handler}
     */
    public long stream(Connection connection, Selection selection, int fetchSize, RowHandler handler) throws SQLException, IOException {
        return stream(connection, "r.json", selection, fetchSize, row -> row.getString(2), handler);
    }

    /**
     * Streams a {@link #deletedSince} selection as Bulk Data's deleted lines: for each resource a transaction Bundle
     * with one DELETE entry, {@code meta.lastUpdated} the deletion's time.
     */
    public long streamDeleted(Connection connection, Selection selection, int fetchSize, RowHandler handler) throws SQLException, IOException {
        return stream(connection, "r.res_type, r.res_id, r.last_updated", selection, fetchSize,
                row -> deletion(row.getString(2), row.getString(3), row.getTimestamp(4).toInstant()), handler);
    }

    private interface Line {
        String of(ResultSet row) throws SQLException, IOException;
    }

    private static long stream(Connection connection, String columns, Selection selection, int fetchSize, Line line, RowHandler handler)
            throws SQLException, IOException {
        String sql = "SELECT ARRAY(SELECT c.patient_id FROM resource_compartment c WHERE c.res_pk = r.pk), " + columns
                + " FROM resource r WHERE " + selection.where();
        long rows = 0;
        try (PreparedStatement statement = SearchSql.prepare(connection, sql, selection.binds())) {
            statement.setFetchSize(fetchSize);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    Array patients = result.getArray(1);
                    handler.row(line.of(result), List.of((String[]) patients.getArray()));
                    patients.free();
                    rows++;
                }
            }
        }
        return rows;
    }

    private static String deletion(String type, String id, Instant deleted) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("resourceType", "Bundle");
            json.writeObjectFieldStart("meta");
            json.writeStringField("lastUpdated", deleted.toString());
            json.writeEndObject();
            json.writeStringField("type", "transaction");
            json.writeArrayFieldStart("entry");
            json.writeStartObject();
            json.writeObjectFieldStart("request");
            json.writeStringField("method", "DELETE");
            json.writeStringField("url", type + "/" + id);
            json.writeEndObject();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
        }
        return out.toString();
    }
}
