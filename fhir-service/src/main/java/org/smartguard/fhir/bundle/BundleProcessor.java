package org.smartguard.fhir.bundle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Resource;
import org.smartguard.commons.fhir.FhirR4;
import org.smartguard.commons.urls.PublicUrls;
import org.smartguard.fhir.audit.FhirAudit;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.search.SearchService;
import org.smartguard.fhir.search.SearchUrl;
import org.smartguard.fhir.security.SmartRefusal;
import org.smartguard.fhir.storage.PendingWrites;
import org.smartguard.fhir.storage.ResourceService;
import org.smartguard.fhir.storage.ResourceVersion;
import org.smartguard.fhir.storage.StoredResource;

/**
 * Batch and transaction bundles. A transaction is one database transaction: ids are assigned and references
 * rewritten first, then entries run in FHIR's order (DELETE, POST, PUT, GET), each authorized and audited like a
 * single interaction; any failure rolls everything back and names the entry. A batch runs each entry on its own.
 */
@ApplicationScoped
public class BundleProcessor {

    private static final List<HTTPVerb> ORDER = List.of(HTTPVerb.DELETE, HTTPVerb.POST, HTTPVerb.PUT, HTTPVerb.GET);

    private final ResourceService resources;
    private final SearchService search;
    private final PublicUrls urls;
    private final FhirAudit audit;

    BundleProcessor(ResourceService resources, SearchService search, PublicUrls urls, FhirAudit audit) {
        this.resources = resources;
        this.search = search;
        this.urls = urls;
        this.audit = audit;
    }

    @Transactional
    public Bundle transaction(Bundle request) {
        List<BundleEntryComponent> entries = request.getEntry();
        Map<String, String> assigned = new HashMap<>();
        Map<Integer, String> newIds = new HashMap<>();
        Map<Integer, String> existing = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            BundleEntryComponent entry = checked(entries.get(i), i);
            if (entry.getRequest().getMethod() == HTTPVerb.POST) {
                String type = entry.getResource().fhirType();
                String id = atEntry(i, () -> conditionalMatch(type, entry.getRequest().getIfNoneExist()));
                if (id != null) {
                    existing.put(i, id);
                } else {
                    id = UUID.randomUUID().toString();
                    newIds.put(i, id);
                }
                if (entry.hasFullUrl()) {
                    assigned.put(entry.getFullUrl(), type + "/" + id);
                }
            } else if (entry.getRequest().getMethod() == HTTPVerb.PUT && entry.hasFullUrl()) {
                // the id is the client's: other entries may refer to the entry's fullUrl (a urn:uuid) all the same
                String[] typeAndId = atEntry(i, () -> instance(entry.getRequest().getUrl()));
                assigned.put(entry.getFullUrl(), typeAndId[0] + "/" + typeAndId[1]);
            }
        }
        ReferenceRewriter rewriter = new ReferenceRewriter(assigned, search);
        for (int i = 0; i < entries.size(); i++) {
            BundleEntryComponent entry = entries.get(i);
            if (entry.hasResource() && !existing.containsKey(i)) {
                atEntry(i, () -> {
                    rewriter.rewrite(entry.getResource());
                    return null;
                });
            }
        }
        Bundle response = new Bundle().setType(BundleType.TRANSACTIONRESPONSE);
        entries.forEach(entry -> response.addEntry());
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> ORDER.indexOf(entries.get(i).getRequest().getMethod())));
        // the creates' history, index rows and audit events go in one batch per table; any other entry may read
        // them (or replace a resource's rows), so they are written before it runs
        PendingWrites pending = new PendingWrites();
        Creator create = (type, id, resource) -> resources.createWithId(type, id, resource, pending);
        for (int i : order) {
            BundleEntryComponent entry = entries.get(i);
            BundleEntryComponent result = response.getEntry().get(i);
            if (entry.getRequest().getMethod() != HTTPVerb.POST) {
                resources.writePending(pending);
            }
            atEntry(i, () -> {
                run(entry, result, newIds.get(i), existing.get(i), create);
                return null;
            });
        }
        resources.writePending(pending);
        return response;
    }

    public Bundle batch(Bundle request) {
        Bundle response = new Bundle().setType(BundleType.BATCHRESPONSE);
        for (int i = 0; i < request.getEntry().size(); i++) {
            BundleEntryComponent result = response.addEntry();
            try {
                BundleEntryComponent entry = checked(request.getEntry().get(i), i);
                String existingId = entry.getRequest().getMethod() == HTTPVerb.POST
                        ? conditionalMatch(entry.getResource().fhirType(), entry.getRequest().getIfNoneExist()) : null;
                run(entry, result, existingId == null ? UUID.randomUUID().toString() : null, existingId, resources::createWithId);
            } catch (FhirException e) {
                refused(request.getEntry().get(i), result, e.status(), e.code(), e.getMessage());
            } catch (SmartRefusal e) {
                refused(request.getEntry().get(i), result, e.status(), e.code(), e.getMessage());
            }
        }
        return response;
    }

    /** A batch entry's refusal: its answer, and its audit event as if it had been a request of its own. */
    private void refused(BundleEntryComponent entry, BundleEntryComponent result, int status, String code, String message) {
        result.getResponse().setStatus(Integer.toString(status)).setOutcome(outcome(message));
        HTTPVerb method = entry.getRequest().getMethod();
        audit.refusedEntry(method == null ? null : method.toCode(), entry.getRequest().getUrl(), status, code);
    }

    /** How an entry's create is stored: at once (a batch) or with its writes left pending (a transaction). */
    private interface Creator {
        ResourceService.Written create(String type, String id, Resource resource);
    }

    private void run(BundleEntryComponent entry, BundleEntryComponent result, String newId, String existingId, Creator create) {
        String url = entry.getRequest().getUrl();
        switch (entry.getRequest().getMethod()) {
            case POST -> {
                if (existingId != null) {
                    StoredResource stored = StoredResource.findCurrent(entry.getResource().fhirType(), existingId).orElseThrow();
                    respond(result, "200 OK", stored.resourceType, stored.resourceId, stored.version);
                } else {
                    ResourceService.Written written = create.create(entry.getResource().fhirType(), newId, entry.getResource());
                    respond(result, "201 Created", written.resource().resourceType, written.resource().resourceId, written.resource().version);
                }
            }
            case PUT -> {
                String[] typeAndId = instance(url);
                Long expected = entry.getRequest().hasIfMatch() ? parseVersion(entry.getRequest().getIfMatch()) : null;
                ResourceService.Written written = resources.update(typeAndId[0], typeAndId[1], entry.getResource(), expected);
                respond(result, written.created() ? "201 Created" : "200 OK", typeAndId[0], typeAndId[1], written.resource().version);
            }
            case DELETE -> {
                String[] typeAndId = instance(url);
                resources.delete(typeAndId[0], typeAndId[1]);
                result.getResponse().setStatus("204 No Content");
            }
            case GET -> {
                String[] typeAndId = instance(url);
                StoredResource stored = resources.read(typeAndId[0], typeAndId[1]);
                result.setResource((Resource) FhirR4.context().newJsonParser().parseResource(stored.json));
                respond(result, "200 OK", stored.resourceType, stored.resourceId, stored.version);
            }
            default -> throw FhirException.badRequest("SG-FHIR-BUNDLE-METHOD", "method " + entry.getRequest().getMethod() + " is not supported in bundles");
        }
    }

    private String conditionalMatch(String type, String ifNoneExist) {
        if (ifNoneExist == null || ifNoneExist.isBlank()) {
            return null;
        }
        List<String> matches = search.matchingIds(type, SearchUrl.parse(ifNoneExist, type).query(), 2);
        if (matches.size() > 1) {
            throw new FhirException(412, "duplicate", "SG-FHIR-412-CONDITIONAL", "ifNoneExist matches more than one " + type);
        }
        return matches.isEmpty() ? null : matches.get(0);
    }

    private void respond(BundleEntryComponent result, String status, String type, String id, long version) {
        result.getResponse().setStatus(status)
                .setLocation(urls.fhirBase() + "/" + type + "/" + id + "/_history/" + version)
                .setEtag("W/\"" + version + "\"");
    }

    private static BundleEntryComponent checked(BundleEntryComponent entry, int index) {
        if (!entry.hasRequest() || !entry.getRequest().hasMethod() || !entry.getRequest().hasUrl()) {
            throw FhirException.badRequest("SG-FHIR-BUNDLE-ENTRY", "entry " + index + " needs request.method and request.url");
        }
        HTTPVerb method = entry.getRequest().getMethod();
        if ((method == HTTPVerb.POST || method == HTTPVerb.PUT) && !entry.hasResource()) {
            throw FhirException.badRequest("SG-FHIR-BUNDLE-ENTRY", "entry " + index + " (" + method + ") has no resource");
        }
        return entry;
    }

    private static String[] instance(String url) {
        String[] parts = url.split("\\?")[0].split("/");
        if (parts.length != 2 || !parts[0].matches("[A-Z][A-Za-z]+") || !ResourceService.ID.matcher(parts[1]).matches()) {
            throw FhirException.badRequest("SG-FHIR-BUNDLE-URL", "request.url must be Type/id here, not " + url);
        }
        return parts;
    }

    private static Long parseVersion(String etag) {
        try {
            return Long.parseLong(etag.replace("W/", "").replace("\"", "").trim());
        } catch (NumberFormatException e) {
            throw FhirException.badRequest("SG-FHIR-IF-MATCH", "ifMatch must name a version, like W/\"3\"");
        }
    }

    private static org.hl7.fhir.r4.model.OperationOutcome outcome(String diagnostics) {
        org.hl7.fhir.r4.model.OperationOutcome outcome = new org.hl7.fhir.r4.model.OperationOutcome();
        outcome.addIssue().setSeverity(org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity.ERROR)
                .setCode(org.hl7.fhir.r4.model.OperationOutcome.IssueType.PROCESSING).setDiagnostics(diagnostics);
        return outcome;
    }

    /** Runs a step of entry {@code index}, naming the entry in any refusal so the client knows what failed. */
    private static <T> T atEntry(int index, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (FhirException e) {
            throw new FhirException(e.status(), e.issueType(), e.code(), "entry " + index + ": " + e.getMessage());
        } catch (SmartRefusal e) {
            throw SmartRefusal.atEntry(e, index);
        }
    }
}
