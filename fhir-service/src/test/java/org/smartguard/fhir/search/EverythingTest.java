package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
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
    void everythingPagesThroughTheCompartmentWithoutGapsOrRepeats() {
        String token = TestAuthority.patientToken(patient, "patient/*.rs");
        List<String> seen = new ArrayList<>();
        String next = "/fhir/Patient/" + patient + "/$everything?_count=1";
        int pages = 0;
        while (next != null) {
            JsonPath page = given().auth().oauth2(token).urlEncodingEnabled(false).when().get(next)
                    .then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("entry.resource.id");
            assertTrue(ids.size() <= 1, "a page holds at most _count resources");
            seen.addAll(ids);
            String link = page.getString("link.find { it.relation == 'next' }.url");
            next = link == null ? null : link.substring(link.indexOf("/fhir/"));
            assertTrue(++pages <= 10, "the pages end");
        }
        assertEquals(4, seen.size(), "each resource once: " + seen);
        assertEquals(Set.of(patient, vitals, lab, condition), Set.copyOf(seen));
    }

    @Test
    void anotherPatientsEverythingDoesNotExistForThisToken() {
        given().auth().oauth2(TestAuthority.patientToken(patient, "patient/*.rs")).urlEncodingEnabled(false).when().get("/fhir/Patient/" + other + "/$everything")
                .then().statusCode(404);
        given().auth().oauth2(TestAuthority.patientToken(patient, "patient/*.rs")).urlEncodingEnabled(false).when().get("/fhir/Observation/" + vitals + "/$everything")
                .then().statusCode(404);
    }
}
