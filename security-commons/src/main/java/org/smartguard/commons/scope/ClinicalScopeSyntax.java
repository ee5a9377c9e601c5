package org.smartguard.commons.scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Splits {@code context/Type.permissions?name=value&...} into its parts; {@link ClinicalScope} checks their values. */
final class ClinicalScopeSyntax {

    /** A search parameter name, optionally chained or with a modifier: {@code code}, {@code _tag}, {@code code:in}. */
    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:-]*");

    private ClinicalScopeSyntax() {
    }

    /** @throws IllegalArgumentException saying which part is wrong */
    static ClinicalScope parse(String token) {
        int slash = token.indexOf('/');
        Optional<ScopeContext> prefix =
                slash < 0 ? Optional.empty() : ScopeContext.fromPrefix(token.substring(0, slash));
        ScopeContext context = prefix.orElseThrow(() -> new IllegalArgumentException(
                "unknown scope; clinical scopes start with patient/, user/ or system/"));
        String rest = token.substring(slash + 1);
        int questionMark = rest.indexOf('?');
        String path = questionMark < 0 ? rest : rest.substring(0, questionMark);
        List<QueryParam> query = questionMark < 0 ? List.of() : query(rest.substring(questionMark + 1));

        int dot = path.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("expected ResourceType.permissions after '" + context.prefix() + "/'");
        }
        String resourceType = path.substring(0, dot);
        if (resourceType.isEmpty()) {
            throw new IllegalArgumentException("resource type is missing before '.'");
        }
        PermissionSuffix.Parsed permissions = PermissionSuffix.parse(path.substring(dot + 1));
        return new ClinicalScope(context, resourceType, permissions.permissions(), permissions.version(), query);
    }

    private static List<QueryParam> query(String query) {
        if (query.isEmpty()) {
            throw new IllegalArgumentException("query is empty after '?'");
        }
        List<QueryParam> params = new ArrayList<>();
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                throw new IllegalArgumentException("query has an empty parameter (stray '&')");
            }
            int equals = pair.indexOf('=');
            if (equals < 0 || equals == pair.length() - 1) {
                throw new IllegalArgumentException("query parameter " + Quoted.of(pair) + " has no value");
            }
            String name = pair.substring(0, equals);
            if (!PARAM_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "query parameter name " + Quoted.of(name) + " is not a search parameter");
            }
            params.add(new QueryParam(name, PercentCoding.decode(pair.substring(equals + 1))));
        }
        return params;
    }
}
