package org.smartguard.fhir.search;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL conditions joined by AND (or OR), collected with their bind values in the order their placeholders appear, so
 * a predicate's text and its values can never drift apart.
 */
final class Conditions {

    private final String joiner;
    private final List<String> texts = new ArrayList<>();
    private final List<Object> binds = new ArrayList<>();

    private Conditions(String joiner) {
        this.joiner = joiner;
    }

    static Conditions all() {
        return new Conditions(" AND ");
    }

    static Conditions any() {
        return new Conditions(" OR ");
    }

    Conditions add(String text, Object... values) {
        texts.add(text);
        binds.addAll(List.of(values));
        return this;
    }

    Conditions add(SearchPredicates.Sql sql) {
        texts.add(sql.text());
        binds.addAll(sql.binds());
        return this;
    }

    boolean isEmpty() {
        return texts.isEmpty();
    }

    /** The conditions as one parenthesized predicate; an empty AND is true, an empty OR false. */
    SearchPredicates.Sql toSql() {
        if (texts.isEmpty()) {
            return new SearchPredicates.Sql(joiner.equals(" AND ") ? "TRUE" : "FALSE", List.of());
        }
        return new SearchPredicates.Sql("(" + String.join(joiner, texts) + ")", List.copyOf(binds));
    }
}
