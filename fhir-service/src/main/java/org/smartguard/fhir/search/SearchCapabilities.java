package org.smartguard.fhir.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;

/**
 * What the CapabilityStatement says about search beyond each type's parameters, derived from the same definitions
 * the search uses: the {@code _include} and {@code _revinclude} values each type supports, and the result
 * parameters every search understands.
 */
@ApplicationScoped
public class SearchCapabilities {

    private final SearchParameters parameters;
    /** For each type, the {@code Source:reference} pairs that can point at it. */
    private final Map<String, TreeSet<String>> revIncludes = new HashMap<>();

    SearchCapabilities(SearchParameters parameters) {
        this.parameters = parameters;
        List<String> types = parameters.allTypes();
        for (String source : types) {
            for (RuntimeSearchParam param : references(source)) {
                List<String> targets = param.getTargets().isEmpty() ? types : List.copyOf(param.getTargets());
                for (String target : targets) {
                    revIncludes.computeIfAbsent(target, key -> new TreeSet<>()).add(source + ":" + param.getName());
                }
            }
        }
    }

    /** The parameters that shape results, for every type (R4's rest.searchParam). */
    public void describe(CapabilityStatementRestComponent rest) {
        rest.addSearchParam().setName("_sort").setType(SearchParamType.SPECIAL).setDocumentation(
                "One or more of the type's string, token, date, number, quantity, reference or uri parameters, _id or _lastUpdated; '-' for descending");
        rest.addSearchParam().setName("_count").setType(SearchParamType.NUMBER).setDocumentation("Page size, at most " + SearchControls.MAX_COUNT);
        rest.addSearchParam().setName("_summary").setType(SearchParamType.TOKEN).setDocumentation("true, text, data, count or false");
        rest.addSearchParam().setName("_elements").setType(SearchParamType.STRING).setDocumentation("Elements of the matches; mandatory ones are kept");
        rest.addSearchParam().setName("_total").setType(SearchParamType.TOKEN).setDocumentation("none (default), estimate or accurate");
        rest.addSearchParam().setName("_has").setType(SearchParamType.SPECIAL).setDocumentation("Reverse chaining, one level: _has:Type:reference:parameter");
    }

    /** The type's {@code searchInclude} ({@code Type:reference}, {@code Type:*}) and {@code searchRevInclude} values. */
    public void describe(String type, CapabilityStatementRestResourceComponent resource) {
        List<RuntimeSearchParam> references = references(type);
        if (!references.isEmpty()) {
            resource.addSearchInclude("*");
            resource.addSearchInclude(type + ":*");
            references.forEach(param -> resource.addSearchInclude(type + ":" + param.getName()));
        }
        revIncludes.getOrDefault(type, new TreeSet<>()).forEach(resource::addSearchRevInclude);
    }

    private List<RuntimeSearchParam> references(String type) {
        List<RuntimeSearchParam> references = new ArrayList<>();
        parameters.of(type).stream().filter(param -> param.getParamType() == RestSearchParameterTypeEnum.REFERENCE).forEach(references::add);
        return references;
    }
}
