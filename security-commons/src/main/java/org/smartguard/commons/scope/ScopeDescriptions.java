package org.smartguard.commons.scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Plain-English consent-page lines for clinical scopes: "Read and search your observations". */
final class ScopeDescriptions {

    private static final Map<Permission, String> VERBS = Map.of(
            Permission.CREATE, "create",
            Permission.READ, "read",
            Permission.UPDATE, "update",
            Permission.DELETE, "delete",
            Permission.SEARCH, "search");

    /** Nouns whose plural is not "+s" among R4 resource type names. */
    private static final Map<String, String> IRREGULAR_PLURALS = Map.of(
            "person", "people",
            "media", "media",
            "evidence", "evidence",
            "parameters", "parameters");

    private ScopeDescriptions() {
    }

    static String describe(ClinicalScope scope) {
        String line = verbs(scope) + " " + what(scope);
        return scope.isGranular() ? line + " (" + filter(scope) + ")" : line;
    }

    private static String verbs(ClinicalScope scope) {
        List<String> verbs = scope.permissions().stream().map(VERBS::get).toList();
        String last = verbs.get(verbs.size() - 1);
        String joined = verbs.size() == 1
                ? last
                : String.join(", ", verbs.subList(0, verbs.size() - 1)) + " and " + last;
        return Character.toUpperCase(joined.charAt(0)) + joined.substring(1);
    }

    private static String what(ClinicalScope scope) {
        if (scope.isForAnyResourceType()) {
            return switch (scope.context()) {
                case PATIENT -> "all your health records";
                case USER -> "all resources you can access";
                case SYSTEM -> "all resources";
            };
        }
        if (scope.context() == ScopeContext.PATIENT && scope.resourceType().equals("Patient")) {
            return "your patient record";
        }
        String things = plural(scope.resourceType());
        return switch (scope.context()) {
            case PATIENT -> "your " + things;
            case USER -> things + " you can access";
            case SYSTEM -> "all " + things;
        };
    }

    /** {@code category: laboratory}: the code of a {@code system|code} token is what a person recognises. */
    private static String filter(ClinicalScope scope) {
        return scope.query().stream()
                .map(param -> param.name() + ": " + shown(param.value()))
                .collect(Collectors.joining(", "));
    }

    private static String shown(String value) {
        String code = value.substring(value.lastIndexOf('|') + 1);
        return code.isEmpty() ? value : code;
    }

    /** {@code AllergyIntolerance} to "allergy intolerances", {@code ImagingStudy} to "imaging studies". */
    private static String plural(String resourceType) {
        List<String> words = new ArrayList<>(List.of(resourceType.split("(?=[A-Z])")));
        words.replaceAll(word -> word.toLowerCase(Locale.ROOT));
        String last = words.remove(words.size() - 1);
        String regular = last.matches(".*[^aeiou]y") ? last.substring(0, last.length() - 1) + "ies" : last + "s";
        words.add(IRREGULAR_PLURALS.getOrDefault(last, regular));
        return String.join(" ", words);
    }
}
