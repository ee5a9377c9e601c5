package org.smartguard.fhir.export;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.smartguard.fhir.TestResources.CATEGORIES;
import static org.smartguard.fhir.TestResources.create;
import static org.smartguard.fhir.TestResources.observation;
import static org.smartguard.fhir.TestResources.patient;
import static org.smartguard.fhir.export.ExportTest.clientId;
import static org.smartguard.fhir.export.ExportTest.exportAndWait;
import static org.smartguard.fhir.export.ExportTest.exported;
import static org.smartguard.fhir.export.ExportTest.ids;
import static org.smartguard.fhir.export.ExportTest.search;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With {@code smartguard.fhir.export.allow-user-tokens=true}, user/ tokens export exactly what their user/ scopes let
 * them search (the user's compartment, granular filters) and nothing else: their patient/ scopes are dropped at
 * kick-off, and a type outside the user/ scopes is 403. The default (user/ refused) is {@code ExportTest}'s.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
@TestProfile(ExportUserTokensTest.UserTokensAllowed.class)
class ExportUserTokensTest {

    public static class UserTokensAllowed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("smartguard.fhir.export.allow-user-tokens", "true");
        }
    }

    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");

    private Instant start;
    private String ann;
    private String bob;

    @BeforeEach
    void population() {
        start = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
        ann = create(ADMIN, "Patient", patient("UserAnn"));
        bob = create(ADMIN, "Patient", patient("UserBob"));
        for (String patient : Set.of(ann, bob)) {
            create(ADMIN, "Observation", observation(patient, "vital-signs"));
            create(ADMIN, "Observation", observation(patient, "laboratory"));
            create(ADMIN, "Condition", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/" + patient + "\"}}");
        }
    }

    @Test
    void aPatientUsersExportHoldsOnlyItsCompartmentAndItsUserScopesTypes() {
        String token = user("ann-user", "Patient/" + ann, "user/Observation.rs user/Patient.rs patient/Condition.rs");
        Map<String, Set<String>> exported = exported(token, exportAndWait(token, "/fhir/$export?_since=" + start));
        Set<String> observations = ids(search(ADMIN, "Observation?subject=Patient/" + ann));
        assertEquals(2, observations.size());
        assertEquals(Map.of("Observation", observations, "Patient", Set.of(ann)), exported, "ann's data, and no Condition (a patient/ scope)");

        given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async").when().get("/fhir/$export?_type=Condition")
                .then().statusCode(403).body("issue[0].details.text", is("SG-FHIR-403-SCOPE"));
    }

    @Test
    void aPractitionersGranularScopeExportsOnlyItsCategory() {
        String token = user("lab-user", "Practitioner/lab", "user/Observation.rs?category=" + CATEGORIES + "|laboratory");
        Map<String, Set<String>> exported = exported(token, exportAndWait(token, "/fhir/$export?_since=" + start));
        Set<String> labs = ids(search(ADMIN, "Observation?category=" + CATEGORIES + "%7Claboratory&_lastUpdated=gt" + start));
        assertEquals(2, labs.size(), "ann's and bob's");
        assertEquals(Map.of("Observation", labs), exported);
        assertFalse(exported.get("Observation").containsAll(ids(search(ADMIN, "Observation?category=" + CATEGORIES
                + "%7Cvital-signs&_lastUpdated=gt" + start))));

        given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async").when().get("/fhir/$export?_type=Patient")
                .then().statusCode(403).body("issue[0].details.text", is("SG-FHIR-403-SCOPE"));
    }

    @Test
    void aTokenWithoutUserOrSystemScopesIsStillRefused() {
        given().urlEncodingEnabled(false).auth().oauth2(TestAuthority.patientToken(ann, "patient/*.rs")).header("Prefer", "respond-async")
                .when().get("/fhir/$export").then().statusCode(403).body("issue[0].details.text", is("SG-FHIR-403-SCOPE"));
    }

    /** A user's token for a client of its own (jobs are per client). */
    private static String user(String client, String fhirUser, String scope) {
        return TestAuthority.token(scope, Map.of("client_id", clientId(client), "sub", clientId(client), "fhirUser", fhirUser));
    }
}
