package org.smartguard.commons.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmartScopesParsingTest {

    private static final String EHR_LAUNCH =
            "launch openid fhirUser offline_access patient/Patient.rs patient/Observation.rs";

    @ParameterizedTest
    @ValueSource(strings = {
            "openid", "fhirUser", "profile", "launch", "launch/patient", "launch/encounter",
            "offline_access", "online_access"})
    void launchIdentityAndRefreshScopesAreKnown(String scope) {
        SmartScope parsed = SmartScope.parse(scope);

        assertInstanceOf(NonClinicalScope.class, parsed);
        assertEquals(scope, parsed.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"email", "OpenID", "launch/practitioner", "launch/", "offline"})
    void otherNonClinicalScopesAreRefused(String scope) {
        ScopeParseException error = assertThrows(ScopeParseException.class, () -> SmartScopes.parse(scope));
        assertEquals(List.of(scope), error.rejected().stream().map(RejectedScope::scope).toList());
    }

    @Test
    void scopesKeepTheOrderGiven() {
        SmartScopes scopes = SmartScopes.parse(EHR_LAUNCH);

        assertEquals(List.of(
                NonClinicalScope.LAUNCH, NonClinicalScope.OPENID, NonClinicalScope.FHIR_USER,
                NonClinicalScope.OFFLINE_ACCESS, SmartScope.parse("patient/Patient.rs"),
                SmartScope.parse("patient/Observation.rs")), scopes.asList());
        assertEquals(EHR_LAUNCH, scopes.toString());
    }

    @Test
    void canonicalStringUsesSingleSpacesAndCanonicalScopes() {
        SmartScopes scopes = SmartScopes.parse("  openid   patient/Observation.rs?category=a%7Cb  ");

        assertEquals("openid patient/Observation.rs?category=a|b", scopes.toString());
        assertEquals(scopes, SmartScopes.parse(scopes.toString()));
    }

    @Test
    void repeatedScopeIsKeptOnce() {
        SmartScopes scopes = SmartScopes.parse("openid patient/Observation.rs openid patient/Observation.rs");

        assertEquals(2, scopes.size());
        assertEquals("openid patient/Observation.rs", scopes.toString());
    }

    @Test
    void scopeSetsWithTheSameScopesAreEqualWhateverTheOrder() {
        assertEquals(SmartScopes.parse("openid patient/Observation.rs"), SmartScopes.parse("patient/Observation.rs openid"));
        assertEquals(SmartScopes.parse("openid patient/Observation.rs").hashCode(),
                SmartScopes.parse("patient/Observation.rs openid").hashCode());
    }

    @Test
    void v1AndV2FormsOfTheSamePermissionsAreDifferentScopes() {
        assertEquals(2, SmartScopes.parse("patient/Observation.read patient/Observation.rs").size());
    }

    @Test
    void emptyScopeStringIsRefusedWhenStrict() {
        assertEquals("scope is empty", assertThrows(ScopeParseException.class, () -> SmartScopes.parse("")).getMessage());
        assertThrows(ScopeParseException.class, () -> SmartScopes.parse("   "));
    }

    @Test
    void emptyScopeStringIsNoScopesWhenLenient() {
        ScopeParseResult result = SmartScopes.parseLenient("");

        assertTrue(result.understood().isEmpty());
        assertFalse(result.hasRejected());
        assertEquals(SmartScopes.none(), result.understood());
    }

    @Test
    void tabIsNotASeparatorAndMakesTheScopeInvalid() {
        ScopeParseException error = assertThrows(ScopeParseException.class,
                () -> SmartScopes.parse("openid\tfhirUser patient/Patient.rs"));

        assertEquals("invalid scope 'openid[U+0009]fhirUser': character U+0009 is not allowed in a scope",
                error.getMessage());
    }

    @Test
    void newlineAndDoubleQuoteAreNotScopeCharacters() {
        assertThrows(ScopeParseException.class, () -> SmartScopes.parse("openid\nfhirUser"));
        assertThrows(ScopeParseException.class, () -> SmartScopes.parse("patient/Observation.rs?code=\"a\""));
    }

    @Test
    void strictParseNamesEveryInvalidScope() {
        ScopeParseException error = assertThrows(ScopeParseException.class,
                () -> SmartScopes.parse("openid patient/Observation.sr bogus/Observation.rs patient/Patient.rs"));

        assertEquals(List.of("patient/Observation.sr", "bogus/Observation.rs"),
                error.rejected().stream().map(RejectedScope::scope).toList());
        assertEquals("invalid scope 'patient/Observation.sr': permission letters must be in the order c, r, u, d, s; "
                + "invalid scope 'bogus/Observation.rs': unknown scope; clinical scopes start with patient/, user/ or system/",
                error.getMessage());
    }

    @Test
    void lenientParseSetsUnknownScopesAsideAndKeepsTheRest() {
        ScopeParseResult result = SmartScopes.parseLenient("openid patient/Observation.sr email patient/Patient.rs");

        assertEquals(SmartScopes.parse("openid patient/Patient.rs"), result.understood());
        assertEquals(List.of("patient/Observation.sr", "email"),
                result.rejected().stream().map(RejectedScope::scope).toList());
    }

    @Test
    void refusalMessageIsSafeForAnOAuthErrorDescription() {
        String hostile = "patient/Observation.rs?code=\\\"é" + "x".repeat(300);
        String message = assertThrows(ScopeParseException.class, () -> SmartScopes.parse(hostile)).getMessage();

        // RFC 6749 error_description: %x20-21 / %x23-5B / %x5D-7E
        assertTrue(message.chars().allMatch(c -> c == 0x20 || ScopeTokenCharacters.isAllowed(c)), message);
        assertTrue(message.length() < 250, message);
    }

    @Test
    void scopeStringOver4096CharactersIsRefusedInBothModes() {
        String tooLong = "patient/Observation.rs?code=" + "a".repeat(4096);

        assertEquals("scope string is 4124 characters long; at most 4096 are accepted",
                assertThrows(ScopeParseException.class, () -> SmartScopes.parse(tooLong)).getMessage());
        assertThrows(ScopeParseException.class, () -> SmartScopes.parseLenient(tooLong));
    }

    @Test
    void moreThan100ScopesAreRefused() {
        String tooMany = "openid ".repeat(101);

        ScopeParseException error = assertThrows(ScopeParseException.class, () -> SmartScopes.parse(tooMany));
        assertEquals("scope string has 101 scopes; at most 100 are accepted", error.getMessage());
        assertEquals(List.of(), error.rejected());
        assertEquals(1, SmartScopes.parse("openid ".repeat(100)).size());
    }

    @Test
    void singleScopeParseRefusesAList() {
        assertEquals("invalid scope 'openid fhirUser': character U+0020 is not allowed in a scope",
                assertThrows(ScopeParseException.class, () -> SmartScope.parse("openid fhirUser")).getMessage());
        assertEquals("invalid scope '': a scope cannot be empty",
                assertThrows(ScopeParseException.class, () -> SmartScope.parse("")).getMessage());
    }

    @Test
    void scopeListCannotBeChanged() {
        SmartScopes scopes = SmartScopes.parse(EHR_LAUNCH);

        assertThrows(UnsupportedOperationException.class, () -> scopes.asList().add(NonClinicalScope.PROFILE));
        assertThrows(UnsupportedOperationException.class, () -> scopes.clinicalScopes().clear());
    }
}
