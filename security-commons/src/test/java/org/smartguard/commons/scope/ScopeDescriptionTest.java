package org.smartguard.commons.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScopeDescriptionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "patient/Observation.rs; Read and search your observations",
            "patient/Observation.read; Read and search your observations",
            "user/*.cruds; Create, read, update, delete and search all resources you can access",
            "user/Observation.write; Create, update and delete observations you can access",
            "system/Observation.rs; Read and search all observations",
            "system/*.*; Create, read, update, delete and search all resources",
            "patient/*.rs; Read and search all your health records",
            "patient/Patient.r; Read your patient record",
            "patient/AllergyIntolerance.r; Read your allergy intolerances",
            "patient/ImagingStudy.s; Search your imaging studies",
            "patient/RelatedPerson.rs; Read and search your related people",
            "patient/Media.r; Read your media",
            "offline_access; Stay signed in (keep access when you are away)",
            "openid; Know who you are",
            "fhirUser; Know who you are",
    })
    void eachScopeHasAShortPlainEnglishLine(String scope, String description) {
        assertEquals(description, SmartScope.parse(scope).describe());
    }

    @Test
    void granularScopeNamesItsFilterByCode() {
        assertEquals("Read and search your observations (category: laboratory)", SmartScope.parse(
                "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory")
                .describe());
        assertEquals("Read your conditions (category: problem-list-item, code: 44054006)", SmartScope.parse(
                "patient/Condition.r?category=problem-list-item&code=http://snomed.info/sct|44054006").describe());
    }

    @Test
    void scopesThatReadTheSameAreDescribedOnce() {
        assertEquals(List.of("Know who you are"), SmartScopes.parse("openid fhirUser").describe());
        assertEquals(List.of("Know who you are", "Read and search your observations"),
                SmartScopes.parse("openid patient/Observation.rs fhirUser patient/Observation.read").describe());
    }
}
