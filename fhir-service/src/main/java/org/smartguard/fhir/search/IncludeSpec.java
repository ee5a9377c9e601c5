package org.smartguard.fhir.search;

import java.util.List;

import org.smartguard.fhir.errors.FhirException;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;

/**
 * One {@code _include} or {@code _revinclude} value, {@code Source:reference[:Target]}: for an include, the resources
 * that {@code Source} resources refer to by {@code reference}; for a revinclude, the {@code Source} resources that
 * refer to the matches by it. {@code Source:*} (and {@code _include=*}) means every reference parameter of the source.
 * With {@code :iterate} the same applies again to what was included.
 *
 * @param references the reference parameters followed (several for {@code *})
 * @param target     the only target type followed, or null for any
 */
record IncludeSpec(boolean reverse, boolean iterate, String source, List<String> references, String target) {

    static IncludeSpec parse(String searchType, String key, String value, SearchParameters parameters) {
        boolean reverse = key.startsWith("_revinclude");
        String modifier = key.contains(":") ? key.substring(key.indexOf(':') + 1) : null;
        if (modifier != null && !modifier.equals("iterate") && !modifier.equals("recurse")) {
            throw invalid(key + " has an unknown modifier");
        }
        if (!reverse && value.equals("*")) {
            value = searchType + ":*";
        }
        String[] parts = value.split(":");
        if (parts.length < 2 || parts.length > 3 || !parameters.isResourceType(parts[0])) {
            throw invalid("'" + value + "' is not Type:parameter[:TargetType]");
        }
        String target = parts.length == 3 ? parts[2] : null;
        if (target != null && !parameters.isResourceType(target)) {
            throw invalid("unknown target type " + target);
        }
        List<String> references = parameters.of(parts[0]).stream()
                .filter(param -> param.getParamType() == RestSearchParameterTypeEnum.REFERENCE)
                .map(RuntimeSearchParam::getName)
                .filter(name -> parts[1].equals("*") || parts[1].equals(name))
                .toList();
        if (references.isEmpty()) {
            throw invalid(parts[0] + " has no reference parameter '" + parts[1] + "'");
        }
        return new IncludeSpec(reverse, modifier != null, parts[0], references, target);
    }

    private static FhirException invalid(String why) {
        return FhirException.badRequest("SG-FHIR-SEARCH-INCLUDE", why);
    }
}
