package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smartguard.fhir.search.SearchFixtures.admin;
import static org.smartguard.fhir.search.SearchFixtures.create;
import static org.smartguard.fhir.search.SearchFixtures.ids;
import static org.smartguard.fhir.search.SearchFixtures.observation;
import static org.smartguard.fhir.search.SearchFixtures.search;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** _elements, _summary and _total: what each entry shows and whether the bundle counts. */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class ResultShapeTest {

    private static final String SUBSETTED = "SUBSETTED";

    private String patient;
    private String pulse;

    @BeforeEach
    void data() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        patient = create("Patient", "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">"
                + "Shape</div>\"},\"name\":[{\"family\":\"Shape" + tag + "\"}],\"maritalStatus\":{\"text\":\"married\"}}");
        pulse = observation(patient, "8867-4", "vital-signs", "2024-03-15", 72);
        observation(patient, "2339-0", "laboratory", "2024-03-16", 5);
    }

    private static Map<String, Object> onlyResource(JsonPath bundle) {
        List<Map<String, Object>> resources = bundle.getList("entry.resource");
        assertEquals(1, resources.size());
        return resources.get(0);
    }

    private static boolean subsetted(Map<String, Object> resource) {
        return String.valueOf(resource.get("meta")).contains(SUBSETTED);
    }

    @Test
    void elementsKeepsTheNamedAndMandatoryElementsAndTagsTheSubset() {
        JsonPath bundle = search(admin(), "Observation?_id=" + pulse + "&_elements=subject,effective&_include=Observation:subject");
        Map<String, Object> observation = bundle.getMap("entry.find { it.search.mode == 'match' }.resource");
        assertEquals(pulse, observation.get("id"));
        assertNotNull(observation.get("subject"));
        assertNotNull(observation.get("effectiveDateTime"));
        assertNotNull(observation.get("status"), "status is mandatory");
        assertNotNull(observation.get("code"), "code is mandatory");
        assertNull(observation.get("valueQuantity"));
        assertNull(observation.get("category"));
        assertTrue(subsetted(observation));
        Map<String, Object> included = bundle.getMap("entry.find { it.search.mode == 'include' }.resource");
        assertNotNull(included.get("maritalStatus"), "included resources are whole");
        assertFalse(subsetted(included));
        assertTrue(SearchFixtures.link(bundle, "self").contains("_elements="), "links keep _elements");
    }

    @Test
    void summaryModesShowTheSpecifiedParts() {
        Map<String, Object> summary = onlyResource(search(admin(), "Patient?_id=" + patient + "&_summary=true"));
        assertNotNull(summary.get("name"));
        assertNull(summary.get("maritalStatus"), "not a summary element");
        assertNull(summary.get("text"));
        assertTrue(subsetted(summary));

        Map<String, Object> text = onlyResource(search(admin(), "Patient?_id=" + patient + "&_summary=text"));
        assertNotNull(text.get("text"));
        assertNull(text.get("name"));
        assertTrue(subsetted(text));

        Map<String, Object> data = onlyResource(search(admin(), "Patient?_id=" + patient + "&_summary=data"));
        assertNull(data.get("text"));
        assertNotNull(data.get("maritalStatus"));
        assertTrue(subsetted(data));

        Map<String, Object> full = onlyResource(search(admin(), "Patient?_id=" + patient + "&_summary=false"));
        assertNotNull(full.get("text"));
        assertFalse(subsetted(full));

        JsonPath count = search(admin(), "Observation?patient=" + patient + "&_summary=count");
        assertEquals(2, count.getInt("total"));
        assertEquals(List.of(), ids(count));
    }

    @Test
    void totalIsAbsentUnlessAskedAndNeverCountsWhatTheTokenCannotSee() {
        assertNull(search(admin(), "Observation?patient=" + patient).get("total"));
        assertNull(search(admin(), "Observation?patient=" + patient + "&_total=none").get("total"));
        assertEquals(2, search(admin(), "Observation?patient=" + patient + "&_total=accurate").getInt("total"));
        assertEquals(2, search(admin(), "Observation?patient=" + patient + "&_total=estimate").getInt("total"));
        String other = create("Patient", "{\"resourceType\":\"Patient\"}");
        String token = TestAuthority.patientToken(other, "patient/Observation.rs");
        assertEquals(0, search(token, "Observation?_total=estimate").getInt("total"));
    }

    @Test
    void invalidShapingParametersAreRefused() {
        for (String query : List.of("_elements=nonsense", "_elements=subject&_summary=true", "_summary=maybe", "_total=lots")) {
            given().auth().oauth2(admin()).urlEncodingEnabled(false).when().get("/fhir/Observation?" + query)
                    .then().statusCode(400).body("resourceType", is("OperationOutcome"));
        }
    }
}
