package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class EverythingTest {

    private static final String FHIR_JSON = "application/fhir+json; charset=UTF-8";
    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");

    private String patient;
    private String other;
    private String vitals;
    private String lab;
    private String condition;

    @BeforeEach
    void data() {
        patient = create("Patient", "{\"resourceType\":\"Patient\"}");
        other = create("Patient", "{\"resourceType\":\"Patient\"}");
        vitals = create("Observation", observation(patient, "vital-signs"));
        lab = create("Observation", observation(patient, "laboratory"));
        create("Observation", observation(other, "vital-signs"));
        condition = create("Condition", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/" + patient + "\"}}");
    }

    private static String observation(String subject, String category) {
        return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"" + category + "\"}]}],"
                + "\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/" + subject + "\"}}";
    }

    private static String create(String type, String json) {
        Response created = given().auth().oauth2(ADMIN).contentType(FHIR_JSON).body(json).when().post("/fhir/" + type)
                .then().statusCode(201).extract().response();
        String location = created.header("Location");
        return location.substring(location.indexOf("/fhir/") + 6).split("/")[1];
    }

    private Set<String> everything(String token, String of) {
        List<String> ids = given().auth().oauth2(token).urlEncodingEnabled(false).when().get("/fhir/Patient/" + of + "/$everything")
                .then().log().ifValidationFails().statusCode(200).extract().jsonPath().getList("entry.resource.id");
        return Set.copyOf(ids);
    }

    @Test
    void everythingIsThePatientsCompartmentAsTheTokenMaySeeIt() {
        assertEquals(Set.of(patient, vitals, lab, condition), everything(TestAuthority.patientToken(patient, "patient/*.rs"), patient));
        assertEquals(Set.of(lab, condition), everything(TestAuthority.patientToken(patient,
                "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory "
                        + "patient/Condition.rs patient/Patient.r"), patient));
    }

    @Test
    void anotherPatientsEverythingDoesNotExistForThisToken() {
        given().auth().oauth2(TestAuthority.patientToken(patient, "patient/*.rs")).urlEncodingEnabled(false).when().get("/fhir/Patient/" + other + "/$everything")
                .then().statusCode(404);
        given().auth().oauth2(TestAuthority.patientToken(patient, "patient/*.rs")).urlEncodingEnabled(false).when().get("/fhir/Observation/" + vitals + "/$everything")
                .then().statusCode(404);
    }
}
