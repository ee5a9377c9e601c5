package org.smartguard.fhir.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.r4.model.IdType;
import org.smartguard.commons.fhir.FhirR4;

import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;

/**
 * The standard search parameters of every R4 resource type, straight from HAPI's runtime definitions, so every
 * parameter of every type works without per-type code, plus the few that US Core 6.1 requires and R4 lacks.
 * Composite parameters are indexed by their parts ({@link CompositeParameter}); special ones are not indexed.
 */
@ApplicationScoped
public class SearchParameters {

    static final Set<RestSearchParameterTypeEnum> INDEXED = Set.of(RestSearchParameterTypeEnum.STRING,
            RestSearchParameterTypeEnum.TOKEN, RestSearchParameterTypeEnum.DATE, RestSearchParameterTypeEnum.REFERENCE,
            RestSearchParameterTypeEnum.QUANTITY, RestSearchParameterTypeEnum.NUMBER, RestSearchParameterTypeEnum.URI);

    /** US Core 6.1 search parameters that are not in R4 (indexed on write like the standard ones). */
    private static final List<RuntimeSearchParam> US_CORE = List.of(
            usCore("Goal", "description", "Goal.description", RestSearchParameterTypeEnum.TOKEN));

    private final Map<String, List<RuntimeSearchParam>> byType = new HashMap<>();

    SearchParameters() {
        for (String type : FhirR4.context().getResourceTypes()) {
            RuntimeResourceDefinition definition = FhirR4.context().getResourceDefinition(type);
            List<RuntimeSearchParam> params = new ArrayList<>(definition.getSearchParams().stream()
                    .filter(param -> INDEXED.contains(param.getParamType()) || CompositeParameter.of(type, param).isPresent())
                    .filter(param -> param.getPath() != null && !param.getPath().isBlank())
                    .toList());
            US_CORE.stream().filter(param -> param.getBase().contains(type)).forEach(params::add);
            byType.put(type, List.copyOf(params));
        }
    }

    private static RuntimeSearchParam usCore(String type, String name, String path, RestSearchParameterTypeEnum paramType) {
        String id = "us-core-" + type.toLowerCase(java.util.Locale.ROOT) + "-" + name;
        return new RuntimeSearchParam(new IdType("SearchParameter", id), "http://hl7.org/fhir/us/core/SearchParameter/" + id, name,
                "US Core " + type + " " + name, path, paramType, Set.of(), Set.of(), RuntimeSearchParam.RuntimeSearchParamStatusEnum.ACTIVE,
                List.of(type));
    }

    /** The indexed parameters of a type (empty for an unknown type). */
    public List<RuntimeSearchParam> of(String resourceType) {
        return byType.getOrDefault(resourceType, List.of());
    }

    public Optional<RuntimeSearchParam> find(String resourceType, String name) {
        return of(resourceType).stream().filter(param -> param.getName().equals(name)).findFirst();
    }

    /** Every resource type, sorted. */
    public List<String> allTypes() {
        return byType.keySet().stream().sorted().toList();
    }

    public boolean isResourceType(String type) {
        return byType.containsKey(type);
    }

    /** Whether resources of this type can belong to a patient's compartment (Patient itself included). */
    public boolean isPatientCompartmentType(String resourceType) {
        return "Patient".equals(resourceType) || of(resourceType).stream().anyMatch(SearchParameters::linksPatientCompartment);
    }

    /** Every type whose resources can be in a patient's compartment, sorted. */
    public List<String> patientCompartmentTypes() {
        return byType.keySet().stream().filter(this::isPatientCompartmentType).sorted().toList();
    }

    /** Whether a parameter puts the resource in the referenced patient's compartment. */
    public static boolean linksPatientCompartment(RuntimeSearchParam param) {
        Set<String> compartments = param.getProvidesMembershipInCompartments();
        return compartments != null && compartments.contains("Patient");
    }
}
