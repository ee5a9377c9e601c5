package org.smartguard.commons.scope;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The scopes of one {@code scope} string, in the order given, without repeats. Immutable.
 * {@code toString()} gives the canonical space-separated string; equality ignores order (a scope string is a set).
 *
 * <p>Two ways to parse, for the two sides of OAuth:
 * <ul>
 * <li>{@link #parse(String)}, strict, for the authorization server: anything not understood is an error it
 * must answer with {@code invalid_scope}, naming the scopes ({@link ScopeParseException#getMessage()}).</li>
 * <li>{@link #parseLenient(String)}, for resource servers and the gateway: a scope they do not understand grants
 * nothing, so it is set aside and the rest used.</li>
 * </ul>
 */
public final class SmartScopes {

    private static final SmartScopes NONE = new SmartScopes(Set.of());

    private final Set<SmartScope> scopes;

    private SmartScopes(Set<SmartScope> scopes) {
        this.scopes = scopes;
    }

    /**
     * Parses a scope string an authorization server received.
     *
     * @throws ScopeParseException when the string names no scope, is over 4096 characters or 100 scopes, or holds
     *                             any scope that is not understood (all of them are named)
     */
    public static SmartScopes parse(String scopeString) {
        ScopeParseResult result = parseLenient(scopeString);
        if (result.hasRejected()) {
            throw new ScopeParseException(result.rejected());
        }
        if (result.understood().isEmpty()) {
            throw new ScopeParseException("scope is empty");
        }
        return result.understood();
    }

    /**
     * Parses a scope string keeping what is understood and setting the rest aside, e.g. a token's {@code scope}
     * claim on a resource server. An empty string gives no scopes.
     *
     * @throws ScopeParseException only when the string is over 4096 characters or 100 scopes
     */
    public static ScopeParseResult parseLenient(String scopeString) {
        return ScopeParser.parse(Objects.requireNonNull(scopeString, "scopeString"));
    }

    public static SmartScopes of(Collection<? extends SmartScope> scopes) {
        return scopes.isEmpty() ? NONE : new SmartScopes(Collections.unmodifiableSet(new LinkedHashSet<>(scopes)));
    }

    public static SmartScopes none() {
        return NONE;
    }

    /** The scopes in the order first given. */
    public List<SmartScope> asList() {
        return List.copyOf(scopes);
    }

    public List<ClinicalScope> clinicalScopes() {
        return scopes.stream()
                .filter(ClinicalScope.class::isInstance)
                .map(ClinicalScope.class::cast)
                .toList();
    }

    public boolean contains(SmartScope scope) {
        return scopes.contains(scope);
    }

    public boolean isEmpty() {
        return scopes.isEmpty();
    }

    public int size() {
        return scopes.size();
    }

    /**
     * The clinical scopes, of any context, that allow {@code permission} on {@code resourceType}. The caller applies
     * each one's context (patient compartment) and query filter; access is allowed if any one of them lets it
     * through, and refused when the list is empty.
     */
    public List<ClinicalScope> permits(String resourceType, Permission permission) {
        return clinicalScopes().stream().filter(scope -> scope.allows(resourceType, permission)).toList();
    }

    public List<ClinicalScope> permits(ScopeContext context, String resourceType, Permission permission) {
        return clinicalScopes().stream().filter(scope -> scope.allows(context, resourceType, permission)).toList();
    }

    /**
     * Whether everything in this request is covered by {@code granted}, e.g. a refresh asking for a narrower scope.
     * A non-clinical scope must be granted as such. A clinical scope is covered when its permissions are all given by
     * granted scopes of the same context, for its type or {@code *}, and either unfiltered or with its exact filter;
     * the permissions may come from several such scopes ({@code .r} and {@code .s} cover {@code .rs}). v1 and v2
     * compare by permissions: {@code patient/*.read} covers {@code patient/Observation.rs}. {@code user/} never
     * covers {@code patient/}, nor a filtered grant an unfiltered request.
     */
    public boolean isSubsetOf(SmartScopes granted) {
        return notCoveredBy(granted).isEmpty();
    }

    /** The scopes of this request that {@code granted} does not cover (see {@link #isSubsetOf}), for the refusal. */
    public List<SmartScope> notCoveredBy(SmartScopes granted) {
        return scopes.stream().filter(scope -> !granted.covers(scope)).toList();
    }

    /**
     * These scopes minus those the user unticked on the consent page. The strings are compared as scopes, so
     * {@code a%7Cb} matches {@code a|b}; a string that is not a scope removes nothing.
     */
    public SmartScopes withoutAny(Set<String> unticked) {
        Set<SmartScope> removed = unticked.stream()
                .map(ScopeParser::tryParseToken)
                .flatMap(Optional::stream)
                .collect(Collectors.toSet());
        return of(scopes.stream().filter(scope -> !removed.contains(scope)).toList());
    }

    public boolean hasPatientScopes() {
        return hasContext(ScopeContext.PATIENT);
    }

    public boolean hasUserScopes() {
        return hasContext(ScopeContext.USER);
    }

    public boolean hasSystemScopes() {
        return hasContext(ScopeContext.SYSTEM);
    }

    /** A backend-services request: at least one scope, and every scope a {@code system/} one. */
    public boolean onlySystemScopes() {
        return !isEmpty() && clinicalScopes().size() == size() && !hasPatientScopes() && !hasUserScopes();
    }

    /** One consent-page line per scope, lines that read the same given once ({@code openid fhirUser}). */
    public List<String> describe() {
        return scopes.stream().map(SmartScope::describe).distinct().toList();
    }

    private boolean covers(SmartScope requested) {
        if (!(requested instanceof ClinicalScope clinical)) {
            return scopes.contains(requested);
        }
        Set<Permission> given = EnumSet.noneOf(Permission.class);
        clinicalScopes().stream()
                .filter(grant -> grant.reaches(clinical))
                .forEach(grant -> given.addAll(grant.permissions()));
        return given.containsAll(clinical.permissions());
    }

    private boolean hasContext(ScopeContext context) {
        return clinicalScopes().stream().anyMatch(scope -> scope.context() == context);
    }

    /** The canonical scope string: canonical scopes separated by single spaces. */
    @Override
    public String toString() {
        return scopes.stream().map(SmartScope::toString).collect(Collectors.joining(" "));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SmartScopes that && scopes.equals(that.scopes);
    }

    @Override
    public int hashCode() {
        return scopes.hashCode();
    }
}
