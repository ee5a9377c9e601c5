package org.smartguard.commons.scope;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A scope for clinical data, SMART App Launch 2.x: {@code context/ResourceType.permissions[?query]}, e.g.
 * {@code patient/Observation.read}, {@code user/*.cruds},
 * {@code patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory}.
 * Every instance is valid: the constructor refuses what the grammar refuses.
 *
 * @param context      whose data: the launch patient's, the user's or the client's own
 * @param resourceType an R4 resource type name, or {@link #ANY_RESOURCE_TYPE}
 * @param permissions  what may be done; v1 {@code read} becomes read + search, {@code write} create + update + delete
 * @param version      the syntax the permissions were written in, kept for printing
 * @param query        the granular filter, in the order given; empty for a resource-level scope
 */
public record ClinicalScope(ScopeContext context, String resourceType, Set<Permission> permissions,
        ScopeVersion version, List<QueryParam> query) implements SmartScope {

    public static final String ANY_RESOURCE_TYPE = "*";

    /** @throws IllegalArgumentException when the parts do not make a valid SMART scope */
    public ClinicalScope {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(permissions, "permissions");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(query, "query");
        if (!ANY_RESOURCE_TYPE.equals(resourceType)) {
            R4ResourceTypes.check(resourceType);
        }
        if (permissions.isEmpty()) {
            throw new IllegalArgumentException("a clinical scope needs at least one permission");
        }
        permissions = Collections.unmodifiableSet(EnumSet.copyOf(permissions));
        query = List.copyOf(query);
        if (version == ScopeVersion.V1 && !PermissionSuffix.isV1(permissions)) {
            throw new IllegalArgumentException("v1 permissions are read, write or *");
        }
        if (version == ScopeVersion.V1 && !query.isEmpty()) {
            throw new IllegalArgumentException("a query filter needs v2 permissions (e.g. .rs)");
        }
    }

    /** A v2 resource-level scope, e.g. {@code v2(PATIENT, "Observation", READ, SEARCH)}. */
    public static ClinicalScope v2(ScopeContext context, String resourceType, Permission... permissions) {
        return new ClinicalScope(context, resourceType, Set.of(permissions), ScopeVersion.V2, List.of());
    }

    /**
     * The same scope narrowed by a query filter, e.g. one Observation category offered on the consent page. The result
     * is v2: v1 has no filters.
     */
    public ClinicalScope withQuery(List<QueryParam> query) {
        return new ClinicalScope(context, resourceType, permissions, ScopeVersion.V2, query);
    }

    /** Whether a query filter narrows this scope to some resources of its type. */
    public boolean isGranular() {
        return !query.isEmpty();
    }

    public boolean isForAnyResourceType() {
        return ANY_RESOURCE_TYPE.equals(resourceType);
    }

    public boolean appliesTo(String resourceType) {
        return isForAnyResourceType() || this.resourceType.equals(resourceType);
    }

    /** Whether this scope lets {@code permission} be used on {@code resourceType} (before any query filter). */
    public boolean allows(String resourceType, Permission permission) {
        return appliesTo(resourceType) && permissions.contains(permission);
    }

    public boolean allows(ScopeContext context, String resourceType, Permission permission) {
        return this.context == context && allows(resourceType, permission);
    }

    /**
     * Whether this scope, on its own, grants everything {@code requested} asks for: same context, this type or
     * {@code *}, at least its permissions, and no query filter or exactly its query filter.
     */
    public boolean covers(ClinicalScope requested) {
        return reaches(requested) && permissions.containsAll(requested.permissions);
    }

    /**
     * Whether this scope reaches every resource {@code requested} does, whatever the permissions. A filtered scope
     * reaches only the identical filter (parameter order aside): comparing what two different filters select
     * would need the data.
     */
    boolean reaches(ClinicalScope requested) {
        return context == requested.context
                && (isForAnyResourceType() || resourceType.equals(requested.resourceType))
                && (query.isEmpty() || new HashSet<>(query).equals(new HashSet<>(requested.query)));
    }

    @Override
    public String describe() {
        return ScopeDescriptions.describe(this);
    }

    /** The canonical scope string: v1 permissions stay v1, v2 letters in cruds order, values encoded where needed. */
    @Override
    public String toString() {
        String scope = context.prefix() + "/" + resourceType + "." + PermissionSuffix.format(version, permissions);
        return query.isEmpty()
                ? scope
                : scope + "?" + query.stream().map(QueryParam::toString).collect(Collectors.joining("&"));
    }
}
