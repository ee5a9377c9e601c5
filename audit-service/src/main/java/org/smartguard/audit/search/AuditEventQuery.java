package org.smartguard.audit.search;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import org.smartguard.audit.search.AuditEventCriteria.Bound;
import org.smartguard.audit.store.AuditSchema;

/**
 * The SQL of a search page or an export, every value bound, in {@code (recorded, event_id)} order; its rows are the
 * event id, recorded time and payload (null when a key row has no event).
 * <p>
 * Element filters are search keys ({@code audit_log.event_keys}: one row per key of each event, stored with the
 * event, in a table PostgreSQL keeps statistics for). The page is read from the rows of the first parameter with one
 * value, through the index {@code (search_key, recorded, event_id, stored_at)} in page order, up to {@code limit}
 * rows, so a common key costs what a rare one does; only those rows' events are then fetched, each from its own
 * partition. Every other parameter is an EXISTS over its keys on the same {@code (recorded, event_id, stored_at)}: a
 * semi-join, which PostgreSQL estimates from each key's statistics and may run either way round or as a merge of both
 * indexes in page order (a plain join on those three columns is estimated at almost no rows, which led it to read
 * and sort every match). A parameter with several values (commas) is an EXISTS with IN, as one event may have more
 * than one of them. Date bounds and the cursor go on every key table, so each scans only that range; with no
 * one-valued parameter the page is read from the events' {@code (recorded, event_id)} index.
 */
public final class AuditEventQuery {

    private static final String S = AuditSchema.SCHEMA;

    private final String sql;
    private final List<Object> values;

    private AuditEventQuery(String sql, List<Object> values) {
        this.sql = sql;
        this.values = values;
    }

    /** One page: {@code limit} rows after the cursor (or from the start), newest or oldest first. */
    public static AuditEventQuery page(AuditEventCriteria criteria, boolean newestFirst, PageCursor after, int limit) {
        return build(criteria, newestFirst, after, limit);
    }

    /** Every matching event, oldest first: the export. */
    public static AuditEventQuery all(AuditEventCriteria criteria) {
        return build(criteria, false, null, null);
    }

    public String sql() {
        return sql;
    }

    public List<Object> values() {
        return Collections.unmodifiableList(values);
    }

    /** Binds the values from parameter 1. */
    public void bind(PreparedStatement statement) throws SQLException {
        int index = 1;
        for (Object value : values) {
            statement.setObject(index++, value);
        }
    }

    private static AuditEventQuery build(AuditEventCriteria criteria, boolean newestFirst, PageCursor after, Integer limit) {
        List<List<String>> groups = new ArrayList<>(criteria.keyGroups());
        // the page is read from the rows of the first parameter with one value, else from the events themselves
        List<String> leadKeys = groups.stream().filter(keys -> keys.size() == 1).findFirst().orElse(null);
        groups.remove(leadKeys);
        String lead = leadKeys == null ? "e" : "k";
        StringBuilder page = new StringBuilder(leadKeys == null
                ? "SELECT e.event_id, e.recorded, e.payload FROM " + S + ".events e"
                : "SELECT k.recorded, k.event_id, k.stored_at FROM " + S + ".event_keys k");
        List<String> where = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (leadKeys != null) {
            where.add("k.search_key = ?");
            values.add(leadKeys.get(0));
            range(where, values, "k", criteria.bounds(), newestFirst, after);
        }
        for (List<String> keys : groups) {
            // a semi-join, never a join (see above)
            List<String> exists = new ArrayList<>();
            exists.add(keys.size() == 1 ? "x.search_key = ?" : "x.search_key IN (" + String.join(", ", Collections.nCopies(keys.size(), "?")) + ")");
            values.addAll(keys);
            range(exists, values, "x", criteria.bounds(), newestFirst, after);
            where.add("EXISTS (SELECT 1 FROM " + S + ".event_keys x WHERE " + String.join(" AND ", exists) + " AND x.recorded = "
                    + lead + ".recorded AND x.event_id = " + lead + ".event_id AND x.stored_at = " + lead + ".stored_at)");
        }
        for (UUID id : criteria.ids()) {
            where.add(lead + ".event_id = ?");
            values.add(id);
        }
        if (leadKeys == null) {
            range(where, values, "e", criteria.bounds(), newestFirst, after);
        }
        if (!where.isEmpty()) {
            page.append(" WHERE ").append(String.join(" AND ", where));
        }
        String direction = newestFirst ? " DESC" : "";
        page.append(" ORDER BY ").append(lead).append(".recorded").append(direction).append(", ").append(lead).append(".event_id")
                .append(direction);
        if (limit != null) {
            page.append(" LIMIT ?");
            values.add(limit);
        }
        if (leadKeys == null) {
            return new AuditEventQuery(page.toString(), values);
        }
        // only the page's events are read, each from its own partition; a key row without its event (only a change
        // behind the service's back leaves one) comes with no payload, so the page still ends where its keys end
        return new AuditEventQuery("SELECT page.event_id, page.recorded, e.payload FROM (" + page + ") page LEFT JOIN " + S
                + ".events e ON e.event_id = page.event_id AND e.stored_at = page.stored_at ORDER BY page.recorded" + direction
                + ", page.event_id" + direction, values);
    }

    /** The date bounds and the cursor, on the rows of {@code alias}: each table of the query scans only that range. */
    private static void range(List<String> where, List<Object> values, String alias, List<Bound> bounds, boolean newestFirst,
            PageCursor after) {
        for (Bound bound : bounds) {
            where.add(alias + ".recorded " + bound.operator() + " ?");
            values.add(Timestamp.from(bound.instant()));
        }
        if (after != null) {
            where.add("(" + alias + ".recorded, " + alias + ".event_id) " + (newestFirst ? "<" : ">") + " (?, ?)");
            values.add(Timestamp.from(after.time()));
            values.add(after.id());
        }
    }
}
