package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

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
class SearchTest {

    private static final String FHIR_JSON = "application/fhir+json";
    private static final String FHIR_JSON_UTF8 = "application/fhir+json; charset=UTF-8";
    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");
    private static final String LOINC = "http://loinc.org";

    private String tag;
    private String patient;
    private String other;

    @BeforeEach
    void uniqueData() {
        tag = UUID.randomUUID().toString().substring(0, 8);
        patient = create("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Müller" + tag + "\",\"given\":[\"Jürgen\"]}],"
                + "\"birthDate\":\"1980-02-03\",\"gender\":\"male\"}");
        other = create("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Other" + tag + "\"}],\"birthDate\":\"1991-07-01\"}");
    }

    private static String create(String type, String json) {
        Response created = given().auth().oauth2(ADMIN).contentType(FHIR_JSON_UTF8).body(json).when().post("/fhir/" + type)
                .then().statusCode(201).extract().response();
        String location = created.header("Location");
        return location.substring(location.indexOf("/fhir/") + 6).split("/")[1];
    }

    private String observation(String subject, String code, String category) {
        return create("Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"" + category + "\"}]}],"
                + "\"code\":{\"coding\":[{\"system\":\"" + LOINC + "\",\"code\":\"" + code + "\"}]},\"subject\":{\"reference\":\"Patient/"
                + subject + "\"},\"effectiveDateTime\":\"2024-03-15T10:00:00Z\",\"valueQuantity\":{\"value\":72,\"unit\":\"/min\"}}");
    }

    private static JsonPath search(String token, String query) {
        return given().auth().oauth2(token).urlEncodingEnabled(true).when().get("/fhir/" + query)
                .then().statusCode(200).contentType(containsString(FHIR_JSON)).body("resourceType", is("Bundle"))
                .extract().jsonPath();
    }

    private static List<String> ids(JsonPath bundle) {
        List<String> ids = bundle.getList("entry.resource.id");
        return ids == null ? List.of() : ids;
    }

    @Test
    void stringSearchIsAPrefixIgnoringCaseAndAccentsWithExactAndContains() {
        assertEquals(List.of(patient), ids(search(ADMIN, "Patient?name=muller" + tag)));
        JsonPath accented = given().auth().oauth2(ADMIN).urlEncodingEnabled(false)
                .when().get("/fhir/Patient?family=" + java.net.URLEncoder.encode("MÜLL", java.nio.charset.StandardCharsets.UTF_8) + "&_id=" + patient)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(patient), ids(accented));
        assertEquals(List.of(patient), ids(search(ADMIN, "Patient?given=jurgen&family=Muller" + tag)));
        assertEquals(List.of(patient), ids(search(ADMIN, "Patient?family:exact=Müller" + tag)));
        assertEquals(List.of(), ids(search(ADMIN, "Patient?family:exact=müller" + tag)));
        assertEquals(List.of(patient), ids(search(ADMIN, "Patient?family:contains=ller" + tag)));
    }

    @Test
    void tokenReferenceAndDateSearches() {
        String pulse = observation(patient, "8867-4", "vital-signs");
        String glucose = observation(patient, "2339-0", "laboratory");
        observation(other, "8867-4", "vital-signs");

        assertEquals(List.of(pulse), ids(search(ADMIN, "Observation?subject=Patient/" + patient + "&code=" + LOINC + "|8867-4")));
        assertEquals(List.of(pulse), ids(search(ADMIN, "Observation?patient=" + patient + "&code=8867-4")));
        assertEquals(List.of(glucose), ids(search(ADMIN, "Observation?subject:Patient=" + patient + "&code:not=8867-4")));
        assertEquals(Set.of(pulse, glucose), Set.copyOf(ids(search(ADMIN, "Observation?patient=" + patient + "&code=8867-4,2339-0"))));
        assertEquals(List.of(pulse), ids(search(ADMIN, "Observation?patient=" + patient + "&category=vital-signs")));
        assertEquals(2, ids(search(ADMIN, "Observation?patient=" + patient + "&date=2024-03")).size());
        assertEquals(0, ids(search(ADMIN, "Observation?patient=" + patient + "&date=lt2024-03-15")).size());
        assertEquals(2, ids(search(ADMIN, "Observation?patient=" + patient + "&date=ge2024-03-15&value-quantity=gt70")).size());
        assertEquals(List.of(patient), ids(search(ADMIN, "Patient?_id=" + patient + "," + other + "&birthdate=1980")));
        assertEquals(List.of(other), ids(search(ADMIN, "Patient?_id=" + patient + "," + other + "&birthdate=gt1990-01-01")));
    }

    @Test
    void pagesFollowNextLinksWithoutDuplicatesWhileOthersWrite() {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 45; i++) {
            expected.add(observation(patient, "8867-4", "vital-signs"));
        }
        List<String> seen = new ArrayList<>();
        JsonPath page = search(ADMIN, "Observation?patient=" + patient + "&_count=20");
        int pages = 1;
        seen.addAll(ids(page));
        String next = nextLink(page);
        while (next != null) {
            observation(other, "8867-4", "vital-signs"); // concurrent writes elsewhere
            page = given().auth().oauth2(ADMIN).urlEncodingEnabled(false).when().get(next.substring(next.indexOf("/fhir/")))
                    .then().statusCode(200).extract().jsonPath();
            seen.addAll(ids(page));
            next = nextLink(page);
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(45, seen.size());
        assertEquals(expected, new HashSet<>(seen));
    }

    private static String nextLink(JsonPath page) {
        return page.getString("link.find { it.relation == 'next' }.url");
    }

    @Test
    void patientTokenSearchesOnlyItsCompartmentAndTotalsCountOnlyThat() {
        observation(patient, "8867-4", "vital-signs");
        observation(patient, "2339-0", "laboratory");
        observation(other, "8867-4", "vital-signs");
        String token = TestAuthority.patientToken(patient, "patient/Observation.rs");

        JsonPath all = search(token, "Observation?_total=accurate");
        assertEquals(2, all.getInt("total"));
        assertEquals(2, ids(all).size());
        assertEquals(0, ids(search(token, "Observation?subject=Patient/" + other)).size(), "asking for another patient finds nothing");
        assertEquals(0, search(token, "Observation?patient=" + other + "&_summary=count").getInt("total"));

        String labOnly = TestAuthority.patientToken(patient,
                "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory");
        assertEquals(1, ids(search(labOnly, "Observation")).size());
    }

    @Test
    void unknownParametersAreRefusedUnlessLenient() {
        given().auth().oauth2(ADMIN).when().get("/fhir/Patient?nonsense=1")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-SEARCH-UNKNOWN"));
        given().auth().oauth2(ADMIN).header("Prefer", "handling=lenient").when().get("/fhir/Patient?nonsense=1&_id=" + patient)
                .then().statusCode(200).body("entry.resource.id", org.hamcrest.Matchers.contains(patient));
    }

    @Test
    void searchByPostFormMatchesGet() {
        given().auth().oauth2(ADMIN).contentType("application/x-www-form-urlencoded").formParam("family", "Other" + tag)
                .when().post("/fhir/Patient/_search")
                .then().statusCode(200).body("entry.resource.id", org.hamcrest.Matchers.contains(other));
    }

    @Test
    void sqlMetacharactersAreJustValues() {
        for (String attack : List.of("' OR '1'='1", "x'; DROP TABLE resource; --", "%", "_", "\\")) {
            assertEquals(List.of(), ids(search(ADMIN, "Patient?family=" + java.net.URLEncoder.encode(attack, java.nio.charset.StandardCharsets.UTF_8)
                    + "&_id=" + patient)));
        }
        given().auth().oauth2(ADMIN).when().get("/fhir/Observation?date=not-a-date").then().statusCode(400);
        given().auth().oauth2(ADMIN).when().get("/fhir/Observation?value-quantity=lots").then().statusCode(400);
        assertEquals(List.of(patient), ids(search(ADMIN, "Patient?_id=" + patient)), "the table is still there");
    }

    @Test
    void hugeCountIsCapped() {
        JsonPath page = search(ADMIN, "Patient?_id=" + patient + "&_count=1000000");
        assertTrue(page.getString("link.find { it.relation == 'self' }.url").contains("_count=" + SearchService.MAX_COUNT));
    }

    @Test
    void aBloodPressurePanelIsStoredAndSearchableByItsComponents() {
        String ucum = "\"unit\":\"mm[Hg]\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"";
        String panel = create("Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\","
                + "\"code\":{\"coding\":[{\"system\":\"" + LOINC + "\",\"code\":\"85354-9\"}]},"
                + "\"subject\":{\"reference\":\"Patient/" + patient + "\"},\"effectiveDateTime\":\"2024-03-15T10:00:00Z\","
                + "\"component\":[{\"code\":{\"coding\":[{\"system\":\"" + LOINC + "\",\"code\":\"8480-6\"}]},"
                + "\"valueQuantity\":{\"value\":142," + ucum + "}},"
                + "{\"code\":{\"coding\":[{\"system\":\"" + LOINC + "\",\"code\":\"8462-4\"}]},"
                + "\"valueQuantity\":{\"value\":91," + ucum + "}}]}");
        assertEquals(List.of(panel), ids(search(ADMIN, "Observation?subject=Patient/" + patient + "&component-value-quantity=gt140")));
        assertEquals(List.of(panel), ids(search(ADMIN, "Observation?subject=Patient/" + patient + "&component-code=" + LOINC + "|8462-4")));
        assertEquals(List.of(), ids(search(ADMIN, "Observation?subject=Patient/" + patient + "&component-value-quantity=gt150")));
    }
}
