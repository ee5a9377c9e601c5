package org.smartguard.commons.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Whether a request (e.g. a refresh with a narrower {@code scope}) is covered by what was granted. */
class ScopeCoverageTest {

    private static final String LAB = "category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory";
    private static final String VITALS = "category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs";

    private static boolean covered(String requested, String granted) {
        return SmartScopes.parse(requested).isSubsetOf(SmartScopes.parse(granted));
    }

    @Test
    void identicalScopesAreCovered() {
        assertTrue(covered("openid patient/Observation.rs", "patient/Observation.rs openid"));
    }

    @Test
    void narrowerScopeIsCoveredByWiderGrant() {
        assertTrue(covered("patient/Observation.rs", "patient/*.read"));
        assertTrue(covered("patient/Observation.rs", "patient/Observation.cruds"));
        assertTrue(covered("patient/Observation.r", "patient/Observation.rs"));
        assertTrue(covered("patient/Observation.cud", "patient/*.*"));
    }

    @Test
    void v1AndV2CompareByPermissions() {
        assertTrue(covered("patient/Observation.read", "patient/Observation.rs"));
        assertTrue(covered("user/Observation.write", "user/Observation.cud"));
        assertFalse(covered("patient/Observation.read", "patient/Observation.r"));
    }

    @Test
    void widerScopeIsNotCoveredByNarrowerGrant() {
        assertFalse(covered("patient/Observation.cruds", "patient/Observation.rs"));
        assertFalse(covered("patient/*.rs", "patient/Observation.rs"));
        assertFalse(covered("patient/Observation.rs patient/Condition.rs", "patient/Observation.rs"));
    }

    @Test
    void contextsDoNotCoverEachOther() {
        assertFalse(covered("patient/Observation.rs", "user/Observation.rs"));
        assertFalse(covered("user/Observation.rs", "patient/Observation.rs"));
        assertFalse(covered("patient/Observation.rs", "system/*.cruds"));
        assertFalse(covered("system/Observation.rs", "user/*.cruds"));
    }

    @Test
    void granularScopeIsCoveredByTheSameScopeWithoutQuery() {
        assertTrue(covered("patient/Observation.rs?" + LAB, "patient/Observation.rs"));
        assertTrue(covered("patient/Observation.rs?" + LAB, "patient/*.read"));
    }

    @Test
    void granularScopeIsCoveredByTheIdenticalQueryInAnyParameterOrder() {
        assertTrue(covered("patient/Observation.rs?" + LAB, "patient/Observation.rs?" + LAB));
        assertTrue(covered("patient/Observation.r?" + LAB, "patient/Observation.rs?" + LAB));
        assertTrue(covered("patient/Observation.rs?code=x&" + LAB, "patient/Observation.rs?" + LAB + "&code=x"));
    }

    @Test
    void granularScopeIsNotCoveredByAnotherQuery() {
        assertFalse(covered("patient/Observation.rs?" + VITALS, "patient/Observation.rs?" + LAB));
        assertFalse(covered("patient/Observation.rs?" + LAB + "&code=x", "patient/Observation.rs?" + LAB));
    }

    @Test
    void unfilteredScopeIsNotCoveredByGranularGrant() {
        assertFalse(covered("patient/Observation.rs", "patient/Observation.rs?" + LAB + " patient/Observation.rs?" + VITALS));
    }

    @Test
    void permissionsMayComeFromSeveralGrants() {
        assertTrue(covered("patient/Observation.rs", "patient/Observation.r patient/Observation.s"));
        assertTrue(covered("patient/Observation.rs", "patient/Observation.r patient/*.s"));
        assertTrue(covered("patient/Observation.rs?" + LAB, "patient/Observation.r?" + LAB + " patient/Observation.s"));
        assertFalse(covered("patient/Observation.rs", "patient/Observation.r user/Observation.s"));
    }

    @Test
    void nonClinicalScopeMustBeGrantedItself() {
        assertTrue(covered("offline_access openid", "openid offline_access patient/*.rs"));
        assertFalse(covered("offline_access", "online_access patient/*.rs"));
        assertFalse(covered("launch/patient", "launch patient/*.rs"));
    }

    @Test
    void noScopesAreCoveredByAnyGrant() {
        assertTrue(SmartScopes.none().isSubsetOf(SmartScopes.none()));
        assertTrue(SmartScopes.none().isSubsetOf(SmartScopes.parse("openid")));
    }

    @Test
    void notCoveredByNamesTheScopesThatAskForMore() {
        SmartScopes requested = SmartScopes.parse("openid offline_access patient/Observation.rs patient/Condition.cruds");
        SmartScopes granted = SmartScopes.parse("openid patient/*.rs");

        assertEquals(List.of("offline_access", "patient/Condition.cruds"),
                requested.notCoveredBy(granted).stream().map(SmartScope::toString).toList());
    }

    @Test
    void singleClinicalScopeCoversOnlyWhatItGrantsAlone() {
        ClinicalScope grant = (ClinicalScope) SmartScope.parse("patient/*.rs");

        assertTrue(grant.covers((ClinicalScope) SmartScope.parse("patient/Observation.r?" + LAB)));
        assertFalse(grant.covers((ClinicalScope) SmartScope.parse("patient/Observation.c")));
        assertFalse(grant.covers((ClinicalScope) SmartScope.parse("user/Observation.r")));
    }
}
