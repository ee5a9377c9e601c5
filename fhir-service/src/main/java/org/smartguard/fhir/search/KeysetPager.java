package org.smartguard.fhir.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Fetches one page of matches in a {@link SortOrder}, by keyset: the page starts strictly after (or, going back,
 * ends strictly before) its cursor's (sort values, primary key). No offsets, so resources created or deleted while a
 * client pages never shift a page: nothing that matched all along is skipped or returned twice. (A resource whose
 * sort value itself changes meanwhile moves in the order, as in every keyset pager.)
 */
@ApplicationScoped
class KeysetPager {

    /**
     * A matched row: primary key, stored JSON, its sort values as a cursor holds them, and the patients whose
     * compartments it is in (what the search's audit event names), read with the row instead of by another query.
     */
    record Row(long pk, String json, List<String> keys, List<String> compartmentPatients) {

        /** The select-list item that reads a row's compartments, for any query over {@code resource} aliased {@code alias}. */
        static String compartmentsOf(String alias) {
            return "ARRAY(SELECT c.patient_id FROM resource_compartment c WHERE c.res_pk = " + alias + ".pk)";
        }

        static List<String> compartments(java.sql.ResultSet row, int column) throws java.sql.SQLException {
            return List.of((String[]) row.getArray(column).getArray());
        }
    }

    record Page(List<Row> rows, boolean hasNext, boolean hasPrevious) {
    }

    private final SearchSql sql;

    KeysetPager(SearchSql sql) {
        this.sql = sql;
    }

    Page fetch(SearchPredicates.Sql where, SortOrder order, PageCursor cursor, int count) {
        if (count == 0) {
            return new Page(List.of(), false, false);
        }
        boolean backwards = cursor != null && cursor.before();
        List<Object> binds = new ArrayList<>();
        StringBuilder inner = new StringBuilder("SELECT r.pk, r.json");
        // the compartments after the sort and LIMIT: PostgreSQL evaluates such a costly select-list item for the page only
        StringBuilder outer = new StringBuilder("SELECT m.pk, m.json, " + Row.compartmentsOf("m"));
        for (int i = 0; i < order.keys().size(); i++) {
            SortOrder.Key key = order.keys().get(i);
            inner.append(", ").append(key.expression()).append(" AS s").append(i);
            binds.addAll(key.binds());
            outer.append(", m.s").append(i);
        }
        inner.append(" FROM resource r WHERE ").append(where.text());
        if (!order.keys().isEmpty()) {
            // a fence: each row's sort values are computed once, not again for the ORDER BY and the cursor's position
            inner.append(" OFFSET 0");
        }
        binds.addAll(where.binds());
        outer.append(" FROM (").append(inner).append(") m");
        if (cursor != null) {
            SearchPredicates.Sql position = position(order, cursor);
            outer.append(" WHERE ").append(position.text());
            binds.addAll(position.binds());
        }
        outer.append(" ORDER BY ").append(orderBy(order, backwards)).append(" LIMIT ?");
        binds.add(count + 1);
        int keys = order.keys().size();
        List<Row> rows = new ArrayList<>(sql.query(outer.toString(), binds, row -> {
            List<String> values = new ArrayList<>(keys);
            for (int i = 0; i < keys; i++) {
                values.add(order.keys().get(i).kind().read(row, 4 + i));
            }
            return new Row(row.getLong(1), row.getString(2), values, Row.compartments(row, 3));
        }));
        boolean more = rows.size() > count;
        if (more) {
            rows.remove(rows.size() - 1);
        }
        if (backwards) {
            Collections.reverse(rows);
            return new Page(rows, true, more);
        }
        return new Page(rows, more, cursor != null);
    }

    /** The cursor of the page after this one (from its last row) or before it (from its first). */
    static PageCursor next(SortOrder order, Page page) {
        Row last = page.rows().get(page.rows().size() - 1);
        return new PageCursor(order.spec(), false, last.pk(), last.keys());
    }

    static PageCursor previous(SortOrder order, Page page) {
        Row first = page.rows().get(0);
        return new PageCursor(order.spec(), true, first.pk(), first.keys());
    }

    /**
     * Rows strictly after (before) the cursor in the order: for keys k0..kn and the primary key, some key is strictly
     * past the cursor's value while all keys before it are equal. Missing values sort last, whatever the direction.
     */
    private static SearchPredicates.Sql position(SortOrder order, PageCursor cursor) {
        Conditions any = Conditions.any();
        for (int i = 0; i <= order.keys().size(); i++) {
            Conditions all = Conditions.all();
            for (int j = 0; j < i; j++) {
                String value = cursor.values().get(j);
                if (value == null) {
                    all.add("m.s" + j + " IS NULL");
                } else {
                    all.add("m.s" + j + " = ?", order.keys().get(j).kind().bind(value));
                }
            }
            if (i == order.keys().size()) {
                any.add(all.add("m.pk " + (cursor.before() ? "<" : ">") + " ?", cursor.pk()).toSql());
            } else if (strictlyPast(all, order.keys().get(i), "m.s" + i, cursor.values().get(i), cursor.before())) {
                any.add(all.toSql());
            }
        }
        return any.toSql();
    }

    /** @return false when no value can be strictly past the cursor's (after a missing value, nothing is) */
    private static boolean strictlyPast(Conditions all, SortOrder.Key key, String column, String value, boolean before) {
        if (value == null) {
            if (!before) {
                return false;
            }
            all.add(column + " IS NOT NULL");
            return true;
        }
        boolean greater = before == key.descending();
        Object bound = key.kind().bind(value);
        if (before) {
            all.add(column + (greater ? " > ?" : " < ?"), bound);
        } else {
            all.add("(" + column + " IS NULL OR " + column + (greater ? " > ?" : " < ?") + ")", bound);
        }
        return true;
    }

    private static String orderBy(SortOrder order, boolean backwards) {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < order.keys().size(); i++) {
            boolean descending = order.keys().get(i).descending() != backwards;
            terms.add("(m.s" + i + " IS NULL)" + (backwards ? " DESC" : ""));
            terms.add("m.s" + i + (descending ? " DESC" : ""));
        }
        terms.add("m.pk" + (backwards ? " DESC" : ""));
        return String.join(", ", terms);
    }
}
