package org.smartguard.fhir.search;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.smartguard.fhir.errors.FhirException;

import ca.uhn.fhir.context.RuntimeSearchParam;

/**
 * A search's {@code _sort}: up to {@value #MAX_KEYS} keys, each a parameter of the searched type (string, token, date,
 * number, quantity, reference, uri) or {@code _id}/{@code _lastUpdated}, {@code -} for descending. A resource's sort
 * value is the smallest of its indexed values (ascending) or the largest (descending); resources without one come
 * last either way. The primary key breaks ties, so the order is total and keyset pages over it are exact.
 *
 * @param spec the {@code _sort} value as given, which page cursors are bound to
 */
record SortOrder(String spec, List<Key> keys) {

    static final SortOrder NONE = new SortOrder("", List.of());
    static final int MAX_KEYS = 5;

    /** How a key's values are read from a row, written into a cursor and bound again. */
    enum Kind {
        TEXT, INSTANT, NUMBER;

        String read(ResultSet row, int column) throws SQLException {
            return switch (this) {
                case TEXT -> row.getString(column);
                case INSTANT -> {
                    Timestamp value = row.getTimestamp(column);
                    yield value == null ? null : value.toInstant().toString();
                }
                case NUMBER -> {
                    BigDecimal value = row.getBigDecimal(column);
                    yield value == null ? null : value.toPlainString();
                }
            };
        }

        Object bind(String value) {
            return switch (this) {
                case TEXT -> value;
                case INSTANT -> Timestamp.from(Instant.parse(value));
                case NUMBER -> new BigDecimal(value);
            };
        }
    }

    /** One sort key: an SQL expression over the {@code resource} row {@code r}, with its binds. */
    record Key(String expression, List<Object> binds, Kind kind, boolean descending) {
    }

    static SortOrder parse(String type, String spec, SearchParameters parameters) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        String[] names = spec.split(",");
        if (names.length > MAX_KEYS) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-SORT", "_sort takes at most " + MAX_KEYS + " parameters");
        }
        List<Key> keys = new ArrayList<>();
        for (String raw : names) {
            String name = raw.trim();
            boolean descending = name.startsWith("-");
            keys.add(key(type, descending ? name.substring(1) : name, descending, parameters));
        }
        return new SortOrder(spec, List.copyOf(keys));
    }

    private static Key key(String type, String name, boolean descending, SearchParameters parameters) {
        if (name.equals("_id")) {
            return new Key("r.res_id", List.of(), Kind.TEXT, descending);
        }
        if (name.equals("_lastUpdated")) {
            return new Key("r.last_updated", List.of(), Kind.INSTANT, descending);
        }
        RuntimeSearchParam param = parameters.find(type, name).orElseThrow(() -> FhirException.badRequest("SG-FHIR-SEARCH-SORT",
                "cannot sort " + type + " by '" + name + "': not a search parameter of the type"));
        String best = descending ? "max" : "min";
        return switch (param.getParamType()) {
            case STRING -> indexed(best + "(x.value_norm)", "sp_string", name, Kind.TEXT, descending);
            case TOKEN -> indexed(best + "(x.code)", "sp_token", name, Kind.TEXT, descending);
            case URI -> indexed(best + "(x.value)", "sp_uri", name, Kind.TEXT, descending);
            case REFERENCE -> indexed(best + "(coalesce(x.target_type || '/', '') || x.target_id)", "sp_reference", name, Kind.TEXT, descending);
            case DATE -> indexed(descending ? "max(x.high)" : "min(x.low)", "sp_date", name, Kind.INSTANT, descending);
            case NUMBER -> indexed(best + "(x.value)", "sp_number", name, Kind.NUMBER, descending);
            case QUANTITY -> indexed(best + "(x.value)", "sp_quantity", name, Kind.NUMBER, descending);
            default -> throw FhirException.badRequest("SG-FHIR-SEARCH-SORT", "cannot sort by " + name);
        };
    }

    private static Key indexed(String aggregate, String table, String name, Kind kind, boolean descending) {
        return new Key("(SELECT " + aggregate + " FROM " + table + " x WHERE x.res_pk = r.pk AND x.name = ?)", List.of(name), kind, descending);
    }
}
