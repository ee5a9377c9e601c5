package org.smartguard.fhir.bundle;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Reference;
import org.smartguard.commons.fhir.FhirR4;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.search.SearchService;
import org.smartguard.fhir.search.SearchUrl;

/**
 * Rewrites a transaction's references before anything is stored: {@code urn:uuid:...} (and other fullUrls of the
 * bundle) to the ids the server assigned, and conditional references ({@code Practitioner?identifier=...}) to the
 * one resource they match; zero or several matches fail the transaction (412).
 */
final class ReferenceRewriter {

    private final Map<String, String> assigned;
    private final SearchService search;
    private final Map<String, String> resolvedSearches = new HashMap<>();

    ReferenceRewriter(Map<String, String> assigned, SearchService search) {
        this.assigned = assigned;
        this.search = search;
    }

    void rewrite(IBaseResource resource) {
        List<Reference> references = FhirR4.context().newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class);
        for (Reference reference : references) {
            String target = reference.getReference();
            if (target == null) {
                continue;
            }
            if (assigned.containsKey(target)) {
                reference.setReference(assigned.get(target));
            } else if (target.startsWith("urn:uuid:") || target.startsWith("urn:oid:")) {
                throw FhirException.badRequest("SG-FHIR-BUNDLE-REF", "reference " + target + " names no entry of this bundle");
            } else if (SearchUrl.isSearch(target)) {
                reference.setReference(resolvedSearches.computeIfAbsent(target, this::resolve));
            }
        }
    }

    private String resolve(String conditional) {
        SearchUrl url = SearchUrl.parse(conditional, null);
        List<String> matches = search.matchingIds(url.type(), url.query(), 2);
        if (matches.size() != 1) {
            throw new FhirException(412, "not-found", "SG-FHIR-412-CONDITIONAL-REF",
                    "conditional reference " + conditional + " matches " + (matches.isEmpty() ? "nothing" : "more than one resource"));
        }
        return url.type() + "/" + matches.get(0);
    }
}
