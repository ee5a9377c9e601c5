package org.smartguard.fhir.search;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.storage.TokenValue;

import ca.uhn.fhir.context.RuntimeSearchParam;

/**
 * Turns one search parameter (name, modifier, comma-separated values) into an SQL predicate over the index tables,
 * with its bind values. Values never enter the SQL text: every value is a bind parameter.
 */
final class SearchPredicates {

    /** An SQL fragment with {@code ?} placeholders and the values to bind, in order. */
    record Sql(String text, List<Object> binds) {
    }

    private SearchPredicates() {
    }

    /**
     * @param alias the SQL alias of the {@code resource} row the parameter tests ({@code r} for the searched resource,
     *              another for a chained target or a {@code _has} source)
     */
    static Sql of(String alias, String resourceType, RuntimeSearchParam param, String modifier, List<String> orValues) {
        Optional<CompositeParameter> composite = CompositeParameter.of(resourceType, param);
        if (composite.isPresent()) {
            return composite(alias, resourceType, composite.get(), modifier, orValues);
        }
        Match match = match(param, modifier, orValues);
        List<Object> all = new ArrayList<>(List.of(resourceType, param.getName()));
        all.addAll(match.binds());
        boolean negated = "not".equals(modifier);
        String exists = "EXISTS (SELECT 1 FROM " + match.table() + " x WHERE x.res_pk = " + alias + ".pk AND x.res_type = ? AND x.name = ? AND "
                + match.condition() + ")";
        return new Sql(negated ? "NOT " + exists : exists, all);
    }

    /** The index table of a parameter's type and the condition on its row {@code x} that one of the values holds. */
    private record Match(String table, String condition, List<Object> binds) {
    }

    private static Match match(RuntimeSearchParam param, String modifier, List<String> orValues) {
        List<String> alternatives = new ArrayList<>();
        List<Object> binds = new ArrayList<>();
        for (String value : orValues) {
            switch (param.getParamType()) {
                case STRING -> string(modifier, value, alternatives, binds);
                case TOKEN -> token(modifier, value, alternatives, binds);
                case REFERENCE -> reference(modifier, value, alternatives, binds);
                case DATE -> date(value, alternatives, binds);
                case QUANTITY -> quantity(value, alternatives, binds);
                case NUMBER -> number("value", value, alternatives, binds);
                case URI -> {
                    alternatives.add("x.value = ?");
                    binds.add(value);
                }
                default -> throw FhirException.badRequest("SG-FHIR-SEARCH-PARAM", "parameter " + param.getName() + " cannot be searched");
            }
        }
        String table = switch (param.getParamType()) {
            case STRING -> "sp_string";
            case TOKEN -> "sp_token";
            case REFERENCE -> "sp_reference";
            case DATE -> "sp_date";
            case QUANTITY -> "sp_quantity";
            case NUMBER -> "sp_number";
            default -> "sp_uri";
        };
        return new Match(table, "(" + String.join(" OR ", alternatives) + ")", binds);
    }

    /**
     * A composite value ({@code system|code$gt100}: one part per component, {@code $} between them, {@code \$} for a
     * dollar inside a part) matches when one repetition of the composite's base element holds every part: the first
     * part's rows, restricted to the groups (repetitions) in which each further part's rows match too.
     */
    private static Sql composite(String alias, String resourceType, CompositeParameter composite, String modifier, List<String> orValues) {
        if (modifier != null) {
            throw unsupportedModifier(modifier);
        }
        String name = composite.composite().getName();
        int size = composite.components().size();
        Conditions any = Conditions.any();
        for (String value : orValues) {
            String[] parts = value.split("(?<!\\\\)\\$", -1);
            if (parts.length != size) {
                throw FhirException.badRequest("SG-FHIR-SEARCH-VALUE", name + " takes " + size + " values separated by $ (\\$ for a $ inside one)");
            }
            StringBuilder sql = new StringBuilder();
            List<Object> binds = new ArrayList<>();
            for (int part = 0; part < size; part++) {
                Match match = match(composite.components().get(part).param(), null, List.of(parts[part].replace("\\$", "$")));
                String rows = "FROM " + match.table() + " x WHERE x.res_pk = " + alias + ".pk AND x.res_type = ? AND x.name = ? AND " + match.condition();
                sql.append(part == 0 ? "EXISTS (SELECT 1 " + rows : " AND x.grp IN (SELECT x.grp " + rows + ")");
                binds.add(resourceType);
                binds.add(CompositeParameter.partName(name, part));
                binds.addAll(match.binds());
            }
            any.add(new Sql(sql.append(')').toString(), binds));
        }
        return any.toSql();
    }

    /** {@code _lastUpdated} compares the resource row's own column, with the same prefixes as date parameters. */
    static Sql lastUpdated(String alias, List<String> orValues) {
        List<String> alternatives = new ArrayList<>();
        List<Object> binds = new ArrayList<>();
        for (String value : orValues) {
            date(value, alternatives, binds);
        }
        String sql = "(" + String.join(" OR ", alternatives) + ")";
        // the row's last_updated is an instant: its range is [t, t]
        String column = alias + ".last_updated";
        return new Sql(sql.replace("x.low", column).replace("x.high", column), binds);
    }

    private static void string(String modifier, String value, List<String> alternatives, List<Object> binds) {
        if (modifier == null) {
            alternatives.add("x.value_norm LIKE ? ESCAPE '\\'");
            binds.add(likeEscape(TextNormalizer.normalize(value)) + "%");
        } else if (modifier.equals("exact")) {
            alternatives.add("x.value_exact = ?");
            binds.add(value);
        } else if (modifier.equals("contains")) {
            alternatives.add("x.value_norm LIKE ? ESCAPE '\\'");
            binds.add("%" + likeEscape(TextNormalizer.normalize(value)) + "%");
        } else {
            throw unsupportedModifier(modifier);
        }
    }

    private static void token(String modifier, String value, List<String> alternatives, List<Object> binds) {
        if ("text".equals(modifier)) {
            alternatives.add("x.text LIKE ? ESCAPE '\\'");
            binds.add(likeEscape(TextNormalizer.normalize(value)) + "%");
            return;
        }
        if (modifier != null && !modifier.equals("not")) {
            throw unsupportedModifier(modifier);
        }
        TokenValue token = TokenValue.parse(value);
        StringBuilder sql = new StringBuilder("(x.code = ?");
        binds.add(token.code());
        if (token.system() != null) {
            sql.append(" AND x.system = ?");
            binds.add(token.system());
        } else if (token.systemRequiredAbsent()) {
            sql.append(" AND x.system IS NULL");
        }
        alternatives.add(sql.append(')').toString());
    }

    private static void reference(String modifier, String value, List<String> alternatives, List<Object> binds) {
        String type = modifier;
        String id = value;
        int slash = value.lastIndexOf('/');
        if (slash > 0 && !value.contains("://")) {
            type = value.substring(0, slash);
            id = value.substring(slash + 1);
            if (type.contains("/")) {
                throw FhirException.badRequest("SG-FHIR-SEARCH-VALUE", "a reference is Type/id or id");
            }
        }
        if (type != null && !type.matches("[A-Z][A-Za-z]+")) {
            throw unsupportedModifier(type);
        }
        alternatives.add(type == null ? "x.target_id = ?" : "(x.target_id = ? AND x.target_type = ?)");
        binds.add(id);
        if (type != null) {
            binds.add(type);
        }
    }

    private static void date(String value, List<String> alternatives, List<Object> binds) {
        Prefixed prefixed = Prefixed.parse(value);
        DateRanges.Range range = DateRanges.of(parseDate(prefixed.value()));
        Timestamp low = Timestamp.from(range.low());
        Timestamp high = Timestamp.from(range.high());
        switch (prefixed.prefix()) {
            // the stored range [x.low, x.high) against the searched range [low, high)
            case "eq" -> add(alternatives, binds, "(x.low >= ? AND x.high <= ?)", low, high);
            case "ne" -> add(alternatives, binds, "(x.low < ? OR x.high > ?)", low, high);
            case "lt" -> add(alternatives, binds, "x.low < ?", low);
            case "le" -> add(alternatives, binds, "x.low < ?", high);
            case "gt" -> add(alternatives, binds, "x.high > ?", high);
            case "ge" -> add(alternatives, binds, "x.high > ?", low);
            case "sa" -> add(alternatives, binds, "x.low >= ?", high);
            case "eb" -> add(alternatives, binds, "x.high <= ?", low);
            case "ap" -> add(alternatives, binds, "(x.low < ? AND x.high > ?)", Timestamp.from(range.high().plus(java.time.Duration.ofDays(1))),
                    Timestamp.from(range.low().minus(java.time.Duration.ofDays(1))));
            default -> throw FhirException.badRequest("SG-FHIR-SEARCH-VALUE", "unknown prefix " + prefixed.prefix());
        }
    }

    /**
     * {@code [prefix]number[|system|code]}: the value compared as a number, and the unit when one is given (an empty
     * system matches any system; the index holds the unit's code, or its text when it has no code), so that 72 /min
     * is not found by a search for 72 mm[Hg].
     */
    private static void quantity(String value, List<String> alternatives, List<Object> binds) {
        String[] parts = value.split("\\|", -1);
        if (parts.length != 1 && parts.length != 3) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-VALUE", "a quantity is [prefix]number or [prefix]number|system|code");
        }
        List<String> conditions = new ArrayList<>();
        number("value", parts[0], conditions, binds);
        for (int part = 1; part < parts.length; part++) {
            if (!parts[part].isEmpty()) {
                conditions.add(part == 1 ? "x.system = ?" : "x.code = ?");
                binds.add(parts[part]);
            }
        }
        alternatives.add("(" + String.join(" AND ", conditions) + ")");
    }

    /** Digits a searched number may have, before or after its point. */
    private static final int MAX_NUMBER_DIGITS = 1000;

    private static void number(String column, String value, List<String> alternatives, List<Object> binds) {
        Prefixed prefixed = Prefixed.parse(value);
        BigDecimal number;
        try {
            number = new BigDecimal(prefixed.value());
        } catch (NumberFormatException e) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-VALUE", "'" + prefixed.value() + "' is not a number");
        }
        if (Math.abs(number.scale()) > MAX_NUMBER_DIGITS || number.precision() > MAX_NUMBER_DIGITS) {
            // beyond what PostgreSQL's numeric holds (and 1e-2147483647 would overflow the precision arithmetic)
            throw FhirException.badRequest("SG-FHIR-SEARCH-VALUE", "'" + prefixed.value() + "' is out of range");
        }
        // FHIR's number rules: eq and ne within the precision the value was written with (100 is [99.5, 100.5),
        // 100.0 is [99.95, 100.05)), ap within 10% of it (at least that precision)
        BigDecimal half = BigDecimal.ONE.scaleByPowerOfTen(-number.scale()).divide(BigDecimal.valueOf(2));
        BigDecimal tenth = number.abs().divide(BigDecimal.TEN).max(half);
        String x = "x." + column;
        switch (prefixed.prefix()) {
            case "eq" -> add(alternatives, binds, "(" + x + " >= ? AND " + x + " < ?)", number.subtract(half), number.add(half));
            case "ne" -> add(alternatives, binds, "(" + x + " < ? OR " + x + " >= ?)", number.subtract(half), number.add(half));
            case "ap" -> add(alternatives, binds, "(" + x + " >= ? AND " + x + " <= ?)", number.subtract(tenth), number.add(tenth));
            case "lt", "eb" -> add(alternatives, binds, x + " < ?", number);
            case "le" -> add(alternatives, binds, x + " <= ?", number);
            case "gt", "sa" -> add(alternatives, binds, x + " > ?", number);
            case "ge" -> add(alternatives, binds, x + " >= ?", number);
            default -> throw FhirException.badRequest("SG-FHIR-SEARCH-VALUE", "unknown prefix " + prefixed.prefix());
        }
    }

    private static void add(List<String> alternatives, List<Object> binds, String sql, Object... values) {
        alternatives.add(sql);
        binds.addAll(List.of(values));
    }

    private static org.hl7.fhir.r4.model.DateTimeType parseDate(String value) {
        try {
            return new org.hl7.fhir.r4.model.DateTimeType(value);
        } catch (RuntimeException e) {
            throw FhirException.badRequest("SG-FHIR-SEARCH-VALUE", "'" + value + "' is not a FHIR date");
        }
    }

    private static String likeEscape(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static FhirException unsupportedModifier(String modifier) {
        return FhirException.badRequest("SG-FHIR-SEARCH-MODIFIER", "modifier :" + modifier + " is not supported here");
    }

    /** A search value with its comparison prefix (eq when none). */
    record Prefixed(String prefix, String value) {
        static Prefixed parse(String value) {
            if (value.length() > 2 && value.substring(0, 2).matches("eq|ne|lt|le|gt|ge|sa|eb|ap") && !Character.isLetter(value.charAt(2))) {
                return new Prefixed(value.substring(0, 2), value.substring(2));
            }
            return new Prefixed("eq", value);
        }
    }
}
