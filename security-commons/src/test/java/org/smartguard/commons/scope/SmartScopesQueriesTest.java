package org.smartguard.commons.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smartguard.commons.scope.Permission.CREATE;
import static org.smartguard.commons.scope.Permission.READ;
import static org.smartguard.commons.scope.Permission.SEARCH;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** What the services ask of a parsed scope set: enforcement, scope kinds, consent-page removal. */
class SmartScopesQueriesTest {

    private static final String LABORATORY = "http://terminology.hl7.org/CodeSystem/observation-category|laboratory";
    private static final String VITAL_SIGNS = "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs";

    private static List<String> strings(List<? extends SmartScope> scopes) {
        return scopes.stream().map(SmartScope::toString).toList();
    }

    @Test
    void permitsReturnsEveryScopeThatAllowsTheInteraction() {
        SmartScopes scopes = SmartScopes.parse(
                "openid patient/Observation.rs?category=" + LABORATORY + " patient/Observation.rs?category=" + VITAL_SIGNS
                        + " patient/Condition.rs user/*.r");

        assertEquals(List.of(
                "patient/Observation.rs?category=" + LABORATORY,
                "patient/Observation.rs?category=" + VITAL_SIGNS,
                "user/*.r"), strings(scopes.permits("Observation", READ)));
        assertEquals(List.of(
                "patient/Observation.rs?category=" + LABORATORY,
                "patient/Observation.rs?category=" + VITAL_SIGNS), strings(scopes.permits("Observation", SEARCH)));
    }

    @Test
    void permitsKeepsTheGranularFiltersForTheServerToApply() {
        SmartScopes scopes = SmartScopes.parse("patient/Observation.rs?category=" + LABORATORY);

        ClinicalScope permitting = scopes.permits("Observation", SEARCH).get(0);
        assertTrue(permitting.isGranular());
        assertEquals(List.of(new QueryParam("category", LABORATORY)), permitting.query());
    }

    @Test
    void permitsInOneContextIgnoresTheOthers() {
        SmartScopes scopes = SmartScopes.parse("patient/Observation.rs user/Observation.r");

        assertEquals(List.of("user/Observation.r"), strings(scopes.permits(ScopeContext.USER, "Observation", READ)));
        assertEquals(List.of(), strings(scopes.permits(ScopeContext.SYSTEM, "Observation", READ)));
    }

    @Test
    void nothingPermitsWhatNoScopeAllows() {
        SmartScopes scopes = SmartScopes.parse("openid patient/Observation.c patient/Condition.rs");

        assertEquals(List.of(), scopes.permits("Observation", READ));
        assertEquals(List.of(), scopes.permits("Patient", READ));
        assertEquals(List.of("patient/Observation.c"), strings(scopes.permits("Observation", CREATE)));
    }

    @Test
    void scopeKindsAreReported() {
        SmartScopes patient = SmartScopes.parse("launch/patient patient/Observation.rs");
        SmartScopes user = SmartScopes.parse("openid user/*.rs");
        SmartScopes system = SmartScopes.parse("system/*.rs system/Patient.r");

        assertTrue(patient.hasPatientScopes());
        assertFalse(patient.hasUserScopes());
        assertFalse(patient.hasSystemScopes());
        assertTrue(user.hasUserScopes());
        assertFalse(user.hasPatientScopes());
        assertTrue(system.hasSystemScopes());
        assertTrue(system.onlySystemScopes());
        assertFalse(user.onlySystemScopes());
    }

    @Test
    void onlySystemScopesNeedsEveryScopeToBeSystem() {
        assertFalse(SmartScopes.parse("system/*.rs openid").onlySystemScopes());
        assertFalse(SmartScopes.parse("system/*.rs patient/Patient.r").onlySystemScopes());
        assertFalse(SmartScopes.none().onlySystemScopes());
    }

    @Test
    void nonClinicalScopesAreFoundByContains() {
        SmartScopes scopes = SmartScopes.parse("openid offline_access patient/Patient.rs");

        assertTrue(scopes.contains(NonClinicalScope.OFFLINE_ACCESS));
        assertFalse(scopes.contains(NonClinicalScope.ONLINE_ACCESS));
        assertEquals(List.of("patient/Patient.rs"), strings(scopes.clinicalScopes()));
    }

    @Test
    void withoutAnyRemovesTheUntickedScopesAndKeepsTheOrder() {
        SmartScopes requested = SmartScopes.parse(
                "launch/patient openid fhirUser offline_access patient/Patient.rs patient/Observation.rs patient/Condition.rs");

        SmartScopes granted = requested.withoutAny(Set.of("offline_access", "patient/Observation.rs"));

        assertEquals("launch/patient openid fhirUser patient/Patient.rs patient/Condition.rs", granted.toString());
        assertEquals(7, requested.size());
    }

    @Test
    void withoutAnyComparesScopesNotSpellings() {
        SmartScopes requested = SmartScopes.parse("patient/Observation.rs?category=" + LABORATORY + " patient/Patient.rs");

        SmartScopes granted = requested.withoutAny(Set.of(
                "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category%7Claboratory"));

        assertEquals("patient/Patient.rs", granted.toString());
    }

    @Test
    void withoutAnyIgnoresStringsThatAreNotScopes() {
        SmartScopes requested = SmartScopes.parse("openid patient/Patient.rs");

        assertEquals(requested, requested.withoutAny(Set.of("bogus", "patient/Observation.sr", "")));
    }
}
