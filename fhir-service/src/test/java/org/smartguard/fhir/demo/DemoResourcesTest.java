package org.smartguard.fhir.demo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
@TestProfile(DemoResourcesTest.DemoOn.class)
class DemoResourcesTest {

    public static class DemoOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("smartguard.fhir.demo.enabled", "true");
        }
    }

    @Inject
    DemoResources demo;

    @Test
    void theDemoUsersResourcesExistOnceWhateverTheRestarts() {
        demo.seed();
        String reader = TestAuthority.systemToken("system/Patient.r system/Practitioner.r");
        given().auth().oauth2(reader).when().get("/fhir/Patient/demo-patient")
                .then().statusCode(200).body("name[0].family", is("Demo")).header("ETag", "W/\"1\"");
        given().auth().oauth2(reader).when().get("/fhir/Practitioner/demo-clinician")
                .then().statusCode(200).body("name[0].prefix[0]", is("Dr."));
        given().auth().oauth2(TestAuthority.patientToken("demo-patient", "patient/Patient.r")).when().get("/fhir/Patient/demo-patient")
                .then().statusCode(200);
    }

    @Test
    void theDemoPatientHasVitalSignsAnActiveMedicationAndAnAllergyForTheDemoApp() {
        demo.seed();
        demo.seed();
        String patient = TestAuthority.patientToken("demo-patient",
                "patient/Observation.rs patient/MedicationRequest.rs patient/AllergyIntolerance.rs");

        given().auth().oauth2(patient).when().get("/fhir/Observation?patient=demo-patient&category=vital-signs&code=http://loinc.org|8480-6&_total=accurate")
                .then().statusCode(200).body("total", is(3))
                .body("entry.resource.valueQuantity.code", everyItem(is("mm[Hg]")));
        given().auth().oauth2(patient).when().get("/fhir/Observation?patient=demo-patient&category=vital-signs&_total=accurate")
                .then().statusCode(200).body("total", is(12));
        given().auth().oauth2(patient).when().get("/fhir/MedicationRequest?patient=demo-patient&status=active")
                .then().statusCode(200).body("entry.size()", is(1))
                .body("entry[0].resource.medicationCodeableConcept.text", is("Lisinopril 10 mg tablet"));
        given().auth().oauth2(patient).when().get("/fhir/AllergyIntolerance?patient=demo-patient")
                .then().statusCode(200).body("entry.size()", is(1))
                .body("entry[0].resource.code.text", is("Penicillin"))
                .body("entry[0].resource.meta.versionId", is("1"));
    }
}
