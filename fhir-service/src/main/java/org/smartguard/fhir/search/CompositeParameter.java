package org.smartguard.fhir.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.smartguard.commons.fhir.FhirR4;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;

/**
 * A composite search parameter resolved from HAPI's runtime definitions: its base element (the composite's path,
 * e.g. {@code Observation.component}) and, per component, the component parameter (for its type) and the expressions
 * that yield its values. HAPI's R4 definitions name each component's parameter but not the expression relative to the
 * base that the specification gives, so it is derived from the component's own path: an alternative under a base
 * alternative ({@code (Observation.component.value as Quantity)}) is evaluated on each repetition of the base
 * ({@code (value as Quantity)}); one outside it ({@code MolecularSequence.referenceSeq.chromosome} under
 * {@code MolecularSequence.variant}) on the resource, the same value for every repetition, as the specification's
 * {@code %resource} expressions do.
 *
 * <p>Index rows of part {@code n} are named {@link #partName}{@code (composite, n)}.
 */
record CompositeParameter(RuntimeSearchParam composite, List<Component> components) {

    /**
     * @param relative expressions evaluated on each repetition of the base
     * @param absolute expressions evaluated on the resource
     */
    record Component(RuntimeSearchParam param, List<String> relative, List<String> absolute) {
    }

    /** The part types a composite can pair (every indexed type). */
    private static final Set<RestSearchParameterTypeEnum> PART_TYPES = Set.of(RestSearchParameterTypeEnum.STRING,
            RestSearchParameterTypeEnum.TOKEN, RestSearchParameterTypeEnum.DATE, RestSearchParameterTypeEnum.REFERENCE,
            RestSearchParameterTypeEnum.QUANTITY, RestSearchParameterTypeEnum.NUMBER, RestSearchParameterTypeEnum.URI);

    private static final Map<String, Optional<CompositeParameter>> CACHE = new ConcurrentHashMap<>();

    /** The composite's definition, or empty when it is not a composite whose parts can all be indexed. */
    static Optional<CompositeParameter> of(String resourceType, RuntimeSearchParam composite) {
        if (composite.getParamType() != RestSearchParameterTypeEnum.COMPOSITE) {
            return Optional.empty();
        }
        return CACHE.computeIfAbsent(resourceType + "/" + composite.getName(), key -> resolve(resourceType, composite));
    }

    static String partName(String composite, int part) {
        return composite + "$" + part;
    }

    private static Optional<CompositeParameter> resolve(String resourceType, RuntimeSearchParam composite) {
        if (composite.getPath() == null || composite.getComponents() == null || composite.getComponents().size() < 2) {
            return Optional.empty();
        }
        List<String> bases = alternatives(composite.getPath()).stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        List<RuntimeSearchParam> all = FhirR4.context().getResourceDefinition(resourceType).getSearchParams();
        List<Component> components = new ArrayList<>();
        for (RuntimeSearchParam.Component component : composite.getComponents()) {
            Optional<RuntimeSearchParam> part = all.stream().filter(param -> param.getUri() != null && param.getUri().equals(component.getReference()))
                    .findFirst();
            if (part.isEmpty() || !PART_TYPES.contains(part.get().getParamType()) || part.get().getPath() == null) {
                return Optional.empty();
            }
            Set<String> relative = new LinkedHashSet<>();
            Set<String> absolute = new LinkedHashSet<>();
            for (String alternative : alternatives(part.get().getPath())) {
                boolean parenthesized = alternative.startsWith("(");
                String inner = parenthesized ? alternative.substring(1) : alternative;
                Optional<String> base = bases.stream().filter(candidate -> inner.startsWith(candidate + ".")).findFirst();
                if (base.isPresent()) {
                    relative.add((parenthesized ? "(" : "") + inner.substring(base.get().length() + 1));
                } else {
                    absolute.add(alternative);
                }
            }
            components.add(new Component(part.get(), List.copyOf(relative), List.copyOf(absolute)));
        }
        return Optional.of(new CompositeParameter(composite, List.copyOf(components)));
    }

    /** The alternatives of a union expression ({@code a | b}); R4's composite and component paths have no nested unions. */
    private static List<String> alternatives(String path) {
        return List.of(path.split("\\|")).stream().map(String::trim).filter(alternative -> !alternative.isEmpty()).toList();
    }
}
