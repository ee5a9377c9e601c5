package org.smartguard.fhir.demo;

import static io.restassured.RestAssured.given;
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
}
