package org.smartguard.commons.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smartguard.commons.scope.Permission.CREATE;
import static org.smartguard.commons.scope.Permission.DELETE;
import static org.smartguard.commons.scope.Permission.READ;
import static org.smartguard.commons.scope.Permission.SEARCH;
import static org.smartguard.commons.scope.Permission.UPDATE;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClinicalScopeParsingTest {

    private static final String LABORATORY =
            "http://terminology.hl7.org/CodeSystem/observation-category|laboratory";

    private static ClinicalScope clinical(String scope) {
        return (ClinicalScope) SmartScope.parse(scope);
    }

    /** The reason the scope is refused, asserting the message names the scope. */
    private static String refusal(String scope) {
        ScopeParseException error = assertThrows(ScopeParseException.class, () -> SmartScope.parse(scope));
        assertTrue(error.getMessage().startsWith("invalid scope '" + scope + "': "), error.getMessage());
        return error.rejected().get(0).reason();
    }

    @Test
    void v1ReadMeansReadAndSearch() {
        ClinicalScope scope = clinical("patient/Observation.read");

        assertEquals(ScopeContext.PATIENT, scope.context());
        assertEquals("Observation", scope.resourceType());
        assertEquals(EnumSet.of(READ, SEARCH), scope.permissions());
        assertEquals(ScopeVersion.V1, scope.version());
        assertEquals(List.of(), scope.query());
    }

    @Test
    void v1WriteMeansCreateUpdateAndDelete() {
        ClinicalScope scope = clinical("user/*.write");

        assertEquals(ScopeContext.USER, scope.context());
        assertTrue(scope.isForAnyResourceType());
        assertEquals(EnumSet.of(CREATE, UPDATE, DELETE), scope.permissions());
    }

    @Test
    void v1StarMeansEveryPermission() {
        ClinicalScope scope = clinical("system/*.*");

        assertEquals(ScopeContext.SYSTEM, scope.context());
        assertEquals(EnumSet.allOf(Permission.class), scope.permissions());
        assertEquals(ScopeVersion.V1, scope.version());
    }

    @Test
    void v2LettersGiveExactlyThosePermissions() {
        assertEquals(EnumSet.of(READ, SEARCH), clinical("patient/Observation.rs").permissions());
        assertEquals(EnumSet.allOf(Permission.class), clinical("user/*.cruds").permissions());
        assertEquals(EnumSet.of(READ), clinical("system/Patient.r").permissions());
        assertEquals(EnumSet.of(CREATE, DELETE), clinical("patient/Observation.cd").permissions());
        assertEquals(ScopeVersion.V2, clinical("patient/Observation.rs").version());
    }

    @Test
    void v2PermissionsOutOfOrderAreRefused() {
        assertEquals("permission letters must be in the order c, r, u, d, s", refusal("patient/Observation.sr"));
        assertEquals("permission letters must be in the order c, r, u, d, s", refusal("user/*.dus"));
    }

    @Test
    void v2RepeatedPermissionIsRefused() {
        assertEquals("permission 'r' is repeated", refusal("patient/Observation.rrs"));
    }

    @Test
    void unknownPermissionsAreRefused() {
        assertEquals("permissions 'xyz' are neither v1 (read, write, *) nor v2 (letters of cruds)",
                refusal("patient/Observation.xyz"));
        refusal("patient/Observation.READ");
        refusal("patient/Observation.rs*");
    }

    @Test
    void missingPermissionsAreRefused() {
        assertEquals("permissions are missing after '.'", refusal("patient/Observation."));
    }

    @Test
    void missingDotIsRefused() {
        assertEquals("expected ResourceType.permissions after 'patient/'", refusal("patient/Observation"));
    }

    @Test
    void missingResourceTypeIsRefused() {
        assertEquals("resource type is missing before '.'", refusal("patient/.rs"));
    }

    @Test
    void lowercaseResourceTypeIsRefused() {
        assertEquals("resource type 'observation' is not a FHIR resource type name (e.g. Observation)",
                refusal("patient/observation.rs"));
    }

    @Test
    void resourceTypeUnknownToR4IsRefused() {
        assertEquals("resource type 'Spaceship' is not in FHIR R4", refusal("patient/Spaceship.rs"));
        assertEquals("resource type 'Transport' is not in FHIR R4", refusal("patient/Transport.rs")); // R5 only
    }

    @Test
    void unknownContextIsRefused() {
        String reason = "unknown scope; clinical scopes start with patient/, user/ or system/";
        assertEquals(reason, refusal("bogus/Observation.rs"));
        assertEquals(reason, refusal("Patient/Observation.rs"));
        assertEquals(reason, refusal("/Observation.rs"));
    }

    @Test
    void granularScopeKeepsItsQueryFilter() {
        ClinicalScope scope = clinical("patient/Observation.rs?category=" + LABORATORY);

        assertTrue(scope.isGranular());
        assertEquals(List.of(new QueryParam("category", LABORATORY)), scope.query());
        assertEquals(EnumSet.of(READ, SEARCH), scope.permissions());
        assertEquals("patient/Observation.rs?category=" + LABORATORY, scope.toString());
    }

    @Test
    void granularScopeKeepsSeveralParametersInTheirOrder() {
        ClinicalScope scope = clinical("user/Condition.rs?code=http://snomed.info/sct|44054006&category=problem-list-item");

        assertEquals(List.of(
                new QueryParam("code", "http://snomed.info/sct|44054006"),
                new QueryParam("category", "problem-list-item")), scope.query());
    }

    @Test
    void granularQueryValuesArePercentDecodedAndPrintedCanonically() {
        ClinicalScope scope = clinical(
                "patient/Observation.rs?category=http%3A%2F%2Fterminology.hl7.org%2FCodeSystem%2Fobservation-category%7Claboratory");

        assertEquals(List.of(new QueryParam("category", LABORATORY)), scope.query());
        assertEquals("patient/Observation.rs?category=" + LABORATORY, scope.toString());
    }

    @Test
    void encodedAmpersandSpaceAndUnicodeStayInsideTheValue() {
        ClinicalScope scope = clinical("patient/Observation.rs?code=a%26b%3Dc%20d%C3%A9");

        assertEquals("a&b=c dé", scope.query().get(0).value());
        assertEquals("patient/Observation.rs?code=a%26b%3Dc%20d%C3%A9", scope.toString());
    }

    @Test
    void plusInQueryValueIsALiteralPlus() {
        assertEquals("2024-01-01T00:00:00+01:00",
                clinical("patient/Observation.rs?date=2024-01-01T00:00:00+01:00").query().get(0).value());
    }

    @Test
    void brokenPercentEncodingIsRefused() {
        refusal("patient/Observation.rs?code=abc%2");
        refusal("patient/Observation.rs?code=%zz");
        assertEquals("query value '%FF' is not percent-encoded UTF-8", refusal("patient/Observation.rs?code=%FF"));
    }

    @Test
    void emptyQueryIsRefused() {
        assertEquals("query is empty after '?'", refusal("patient/Observation.rs?"));
    }

    @Test
    void queryParameterWithoutValueIsRefused() {
        assertEquals("query parameter 'category' has no value", refusal("patient/Observation.rs?category"));
        assertEquals("query parameter 'category=' has no value", refusal("patient/Observation.rs?category="));
        assertEquals("query has an empty parameter (stray '&')", refusal("patient/Observation.rs?code=a&&code=b"));
        assertEquals("query has an empty parameter (stray '&')", refusal("patient/Observation.rs?code=a&"));
        assertEquals("query parameter name '' is not a search parameter", refusal("patient/Observation.rs?=a"));
    }

    @Test
    void v1ScopeWithQueryIsRefused() {
        assertEquals("a query filter needs v2 permissions (e.g. .rs)",
                refusal("patient/Observation.read?category=laboratory"));
    }

    @Test
    void constructorRefusesPermissionsV1CannotSay() {
        assertThrows(IllegalArgumentException.class, () -> new ClinicalScope(
                ScopeContext.PATIENT, "Observation", Set.of(READ), ScopeVersion.V1, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ClinicalScope(
                ScopeContext.PATIENT, "Observation", Set.of(), ScopeVersion.V2, List.of()));
        assertThrows(IllegalArgumentException.class, () -> ClinicalScope.v2(ScopeContext.PATIENT, "Nope", READ));
    }

    @Test
    void scopeBuiltInCodeEqualsTheParsedOne() {
        ClinicalScope built = ClinicalScope.v2(ScopeContext.PATIENT, "Observation", SEARCH, READ)
                .withQuery(List.of(new QueryParam("category", LABORATORY)));

        assertEquals(clinical("patient/Observation.rs?category=" + LABORATORY), built);
    }

    @Test
    void permissionsCannotBeChangedAfterParsing() {
        ClinicalScope scope = clinical("patient/Observation.rs");

        assertThrows(UnsupportedOperationException.class, () -> scope.permissions().add(DELETE));
        assertThrows(UnsupportedOperationException.class, () -> scope.query().add(new QueryParam("a", "b")));
    }

    @Test
    void allowsChecksResourceTypeAndPermission() {
        ClinicalScope observations = clinical("patient/Observation.rs");
        ClinicalScope everything = clinical("user/*.r");

        assertTrue(observations.allows("Observation", READ));
        assertTrue(observations.allows("Observation", SEARCH));
        assertFalse(observations.allows("Observation", CREATE));
        assertFalse(observations.allows("Condition", READ));
        assertTrue(everything.allows("Condition", READ));
        assertFalse(everything.allows("Condition", SEARCH));
    }

    @Test
    void allowsWithContextAlsoChecksTheContext() {
        ClinicalScope scope = clinical("patient/Observation.rs");

        assertTrue(scope.allows(ScopeContext.PATIENT, "Observation", READ));
        assertFalse(scope.allows(ScopeContext.USER, "Observation", READ));
    }

    @Test
    void createWithoutReadDoesNotAllowReading() {
        assertFalse(clinical("patient/Observation.c").allows("Observation", READ));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "patient/Observation.read", "user/*.write", "system/*.*", "patient/Observation.rs", "user/*.cruds",
            "system/Patient.r", "patient/Observation.rs?category=" + LABORATORY + "&code=http://loinc.org|2339-0"})
    void canonicalFormIsTheScopeAsWritten(String scope) {
        assertEquals(scope, SmartScope.parse(scope).toString());
        assertEquals(SmartScope.parse(scope), SmartScope.parse(SmartScope.parse(scope).toString()));
    }
}
