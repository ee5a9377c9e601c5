package org.smartguard.fhir.export;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.hl7.fhir.r4.model.Group;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.commons.scope.ClinicalScope;
import org.smartguard.commons.scope.Permission;
import org.smartguard.commons.scope.ScopeContext;
import org.smartguard.commons.scope.SmartScopes;
import org.smartguard.fhir.audit.FhirAudit;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.search.BulkSelection;
import org.smartguard.fhir.search.SearchParameters;
import org.smartguard.fhir.search.SearchUrl;
import org.smartguard.fhir.security.AccessDecision;
import org.smartguard.fhir.security.SmartAuthorization;
import org.smartguard.fhir.security.SmartContext;
import org.smartguard.fhir.security.SmartRefusal;
import org.smartguard.fhir.storage.FhirBodies;
import org.smartguard.fhir.storage.ResourceService;
import org.smartguard.fhir.storage.StoredResource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A kick-off: decides everything a job will do before it is queued, so every refusal is synchronous. Only the
 * token's {@code system/} scopes count (and {@code user/} ones where configured): the rest of the request, and the
 * job later, act with those alone. The types are those the token may search (a {@code _type} the scopes do not
 * allow is 403), each {@code _typeFilter} must be a valid search of its type, a Group must be readable by the token
 * and its members are fixed now, and a client has at most {@code max-jobs-per-client} jobs in flight (429).
 */
@ApplicationScoped
class ExportKickoff {

    private final SmartContext context;
    private final SmartAuthorization authorization;
    private final SearchParameters parameters;
    private final BulkSelection selection;
    private final ResourceService resources;
    private final ExportJobs jobs;
    private final FhirAudit audit;
    private final ObjectMapper json;
    private final ExportConfig config;

    ExportKickoff(SmartContext context, SmartAuthorization authorization, SearchParameters parameters, BulkSelection selection,
            ResourceService resources, ExportJobs jobs, FhirAudit audit, ObjectMapper json, ExportConfig config) {
        this.context = context;
        this.authorization = authorization;
        this.parameters = parameters;
        this.selection = selection;
        this.resources = resources;
        this.jobs = jobs;
        this.audit = audit;
        this.json = json;
        this.config = config;
    }

    /**
     * @param requestUrl the kick-off URL as received, under the public base (the manifest's {@code request})
     * @return the new job's id
     */
    @Transactional
    UUID start(ExportLevel level, String groupId, ExportParameters given, boolean lenient, String requestUrl) {
        ValidatedToken token = actWithExportScopes();
        List<String> notes = new ArrayList<>(given.ignored());
        List<String> patients = patients(level, groupId, given.patients());
        List<String> typeFilters = typeFilters(given, lenient, notes);
        ExportRequest probe = new ExportRequest(level, groupId, List.of(), typeFilters, given.since(), patients, List.of());
        List<String> types = new ArrayList<>();
        for (String type : candidateTypes(level, given, lenient, notes)) {
            try {
                // builds the type's SQL now: a filter that is no valid search is 400 here, not a failed job later
                selection.of(type, probe.typeFilters(type), probe.population(), given.since());
                types.add(type);
            } catch (SmartRefusal refused) {
                if (!given.types().isEmpty()) {
                    if (!lenient) {
                        throw refused;
                    }
                    notes.add(type + " was not exported: the token's scopes do not permit search on it");
                }
            }
        }
        if (types.isEmpty()) {
            throw SmartRefusal.insufficientScope("a system/ scope permitting search on at least one type this export covers");
        }
        ExportRequest request = new ExportRequest(level, groupId, List.copyOf(types), typeFilters, given.since(), patients, List.copyOf(notes));
        jobs.lockClient(token.clientId());
        if (jobs.inFlight(token.clientId()) >= config.maxJobsPerClient()) {
            throw FhirException.tooManyRequests("SG-FHIR-EXPORT-LIMIT", "this client already has " + config.maxJobsPerClient()
                    + " exports queued or running; retry when one has finished, or cancel one", config.retryAfter().multipliedBy(5));
        }
        UUID id = UUID.randomUUID();
        jobs.insert(new ExportJob(id, ExportJob.ACCEPTED, requestUrl, write(request), token.clientId(), token.subject(), token.fhirUser(),
                token.jti(), token.scope(), context.patientHint(), 0, 0, 0, null, Instant.now(), null, null));
        audit.record(AuditEventType.BULK_EXPORT_KICKOFF, AuditOutcome.SUCCESS, "export", request.groupReference(), List.of(),
                ExportRunner.relative(requestUrl));
        return id;
    }

    /**
     * Narrows the request's token to its export-eligible scopes (system/, and user/ where allowed) for the rest of
     * the request; 403 when none is left. The job stores exactly these.
     */
    private ValidatedToken actWithExportScopes() {
        ValidatedToken token = context.token();
        Set<ScopeContext> eligible = config.allowUserTokens() ? Set.of(ScopeContext.SYSTEM, ScopeContext.USER) : Set.of(ScopeContext.SYSTEM);
        List<ClinicalScope> scopes = context.scopes().clinicalScopes().stream().filter(scope -> eligible.contains(scope.context())).toList();
        if (scopes.isEmpty()) {
            throw SmartRefusal.insufficientScope(config.allowUserTokens() ? "system/ or user/ scopes (Bulk Data export)"
                    : "system/ scopes (Bulk Data export is for backend services)");
        }
        ValidatedToken narrowed = new ValidatedToken(token.subject(), token.jti(), token.clientId(), SmartScopes.of(scopes).toString(), null,
                null, token.fhirUser(), token.expiresAt());
        context.actAs(narrowed, context.patientHint());
        return narrowed;
    }

    /** The patients whose compartments are exported, or null for every resource (system) or any patient's (patient). */
    private List<String> patients(ExportLevel level, String groupId, List<String> named) {
        if (level == ExportLevel.SYSTEM) {
            if (!named.isEmpty()) {
                throw FhirException.badRequest("SG-FHIR-EXPORT-PARAM", "patient applies to Patient and Group exports, not to /$export");
            }
            return null;
        }
        if (level == ExportLevel.PATIENT) {
            return named.isEmpty() ? null : List.copyOf(named);
        }
        List<String> members = groupMembers(groupId);
        if (named.isEmpty()) {
            return members;
        }
        List<String> outside = named.stream().filter(patient -> !members.contains(patient)).toList();
        if (!outside.isEmpty()) {
            throw FhirException.badRequest("SG-FHIR-EXPORT-PATIENT", "Patient/" + outside.get(0) + " is not a member of Group/" + groupId);
        }
        return List.copyOf(named);
    }

    /** The Group's active Patient members; a Group the token may not read is 404 (or 403 without read on Group). */
    private List<String> groupMembers(String groupId) {
        AccessDecision access = authorization.require("Group", Permission.READ);
        StoredResource stored = resources.visibleCurrent("Group", groupId, access);
        if (stored.deleted) {
            throw FhirException.gone("Group", groupId);
        }
        Group group = (Group) FhirBodies.parseJson(stored.json, "Group");
        return group.getMember().stream()
                .filter(member -> !member.getInactive())
                .map(member -> member.getEntity().getReferenceElement())
                .filter(reference -> "Patient".equals(reference.getResourceType()))
                .map(reference -> reference.getIdPart())
                .distinct()
                .toList();
    }

    private List<String> candidateTypes(ExportLevel level, ExportParameters given, boolean lenient, List<String> notes) {
        if (given.types().isEmpty()) {
            return level == ExportLevel.SYSTEM ? parameters.allTypes() : parameters.patientCompartmentTypes();
        }
        List<String> types = new ArrayList<>();
        for (String type : given.types().stream().distinct().toList()) {
            String problem = !parameters.isResourceType(type) ? type + " is not a FHIR R4 resource type"
                    : level != ExportLevel.SYSTEM && !parameters.isPatientCompartmentType(type)
                            ? type + " is not in the Patient compartment, which Patient and Group exports cover" : null;
            if (problem == null) {
                types.add(type);
            } else if (lenient) {
                notes.add(problem + "; it was not exported");
            } else {
                throw FhirException.badRequest("SG-FHIR-EXPORT-TYPE", problem);
            }
        }
        return types;
    }

    /** The {@code _typeFilter}s, each a search of a type this export covers. */
    private List<String> typeFilters(ExportParameters given, boolean lenient, List<String> notes) {
        List<String> filters = new ArrayList<>();
        for (String filter : given.typeFilters()) {
            if (!SearchUrl.isSearch(filter)) {
                throw FhirException.badRequest("SG-FHIR-EXPORT-TYPEFILTER", "a _typeFilter is a search, Type?name=value");
            }
            String type = SearchUrl.parse(filter, null).type();
            String problem = !parameters.isResourceType(type) ? type + " is not a FHIR R4 resource type"
                    : !given.types().isEmpty() && !given.types().contains(type) ? "the _typeFilter on " + type + " names a type _type leaves out"
                            : null;
            if (problem == null) {
                filters.add(filter);
            } else if (lenient) {
                notes.add(problem + "; the filter was ignored");
            } else {
                throw FhirException.badRequest("SG-FHIR-EXPORT-TYPEFILTER", problem);
            }
        }
        return List.copyOf(filters);
    }

    private String write(ExportRequest request) {
        try {
            return json.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
