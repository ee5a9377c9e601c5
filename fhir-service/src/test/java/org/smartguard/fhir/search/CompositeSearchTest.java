package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.smartguard.fhir.search.SearchFixtures.create;
import static org.smartguard.fhir.search.SearchFixtures.ids;
import static org.smartguard.fhir.search.SearchFixtures.patient;
import static org.smartguard.fhir.search.SearchFixtures.search;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

/**
 * Composite search parameters: every part must match within one repetition of the composite's base element (one
 * Observation.component, or the Observation itself), with each part's own prefixes, and the token's compartment
 * still applies.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class CompositeSearchTest {

    private String system;
    private String alice;
    private String bob;
    private String panel;
    private String systolic;

    @BeforeEach
    void data() {
        // a system of its own per test, so searches see only this test's observations
        system = "urn:test:" + UUID.randomUUID();
        alice = patient("Composite");
        bob = patient("Composite");
        // a blood-pressure panel: systolic 150, diastolic 95, no value of its own
        panel = create("Observation", observation(alice, "85354-9", "\"component\":[" + component("8480-6", 150) + "," + component("8462-4", 95) + "]"));
        systolic = create("Observation", observation(bob, "8480-6", "\"valueQuantity\":" + quantity(120)));
    }

    @Test
    void componentPartsMustComeFromTheSameComponent() {
        assertEquals(List.of(panel), found("component-code-value-quantity", code("8480-6") + "$gt140"));
        assertEquals(List.of(panel), found("component-code-value-quantity", code("8462-4") + "$lt100"));
        // 150 is in the panel, but in the systolic component, not the diastolic one
        assertEquals(List.of(), found("component-code-value-quantity", code("8462-4") + "$gt140"));
        assertEquals(List.of(), found("component-code-value-quantity", code("8480-6") + "$lt100"));
    }

    @Test
    void topLevelCodeAndValueArePairedOnTheObservationItself() {
        assertEquals(List.of(systolic), found("code-value-quantity", code("8480-6") + "$gt100"));
        assertEquals(List.of(systolic), found("code-value-quantity", code("8480-6") + "$120"));
        assertEquals(List.of(), found("code-value-quantity", code("8480-6") + "$ge121"));
        // the panel's own code has no value, and its components' values are not top-level values
        assertEquals(List.of(), found("code-value-quantity", code("85354-9") + "$gt0"));
        assertEquals(Set.of(panel, systolic), Set.copyOf(found("combo-code-value-quantity", code("8480-6") + "$gt100")));
        assertEquals(List.of(systolic), found("code-value-quantity", code("8480-6") + "$gt100," + code("nothing") + "$1"));
    }

    @Test
    void conceptDateAndStringPartsAreComparedByTheirOwnTypes() {
        String concept = create("Observation", observation(alice, "culture", "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"" + system
                + "\",\"code\":\"positive\"}]}"));
        String dated = create("Observation", observation(alice, "onset", "\"valueDateTime\":\"2024-03-15\""));
        String text = create("Observation", observation(alice, "note", "\"valueString\":\"Cost $5 paid\""));
        assertEquals(List.of(concept), found("code-value-concept", code("culture") + "$" + code("positive")));
        assertEquals(List.of(), found("code-value-concept", code("culture") + "$" + code("negative")));
        assertEquals(List.of(dated), found("code-value-date", code("onset") + "$ge2024-03"));
        assertEquals(List.of(), found("code-value-date", code("onset") + "$lt2024-03-15"));
        // a dollar inside a part is escaped as \$
        assertEquals(List.of(text), found("code-value-string", code("note") + "$cost \\$5"));
        assertEquals(List.of(), found("code-value-string", code("note") + "$cost \\$6"));
    }

    @Test
    void aPatientTokenFindsOnlyItsOwnCompartmentsMatches() {
        String token = TestAuthority.patientToken(alice, "patient/Observation.rs");
        JsonPath bundle = search(token, "Observation?combo-code-value-quantity=" + encode(code("8480-6") + "$gt100"));
        assertEquals(List.of(panel), ids(bundle));
        JsonPath none = search(token, "Observation?code-value-quantity=" + encode(code("8480-6") + "$gt100"));
        assertEquals(List.of(), ids(none));
    }

    @Test
    void malformedCompositeValuesAre400() {
        refused("code-value-quantity", code("8480-6"), "SG-FHIR-SEARCH-VALUE");
        refused("code-value-quantity", code("8480-6") + "$1$2", "SG-FHIR-SEARCH-VALUE");
        refused("code-value-quantity", code("8480-6") + "$abc", "SG-FHIR-SEARCH-VALUE");
        refused("code-value-string", code("note") + "$cost $5", "SG-FHIR-SEARCH-VALUE");
        refused("code-value-quantity:exact", code("8480-6") + "$1", "SG-FHIR-SEARCH-MODIFIER");
    }

    @Test
    void theCapabilityStatementListsCompositeParameters() {
        JsonPath metadata = given().when().get("/fhir/metadata").then().statusCode(200).extract().jsonPath();
        List<String> composites = metadata.getList("rest[0].resource.find { it.type == 'Observation' }.searchParam.findAll { it.type == 'composite' }.name");
        assertEquals(true, composites.containsAll(List.of("code-value-quantity", "code-value-concept", "code-value-date", "code-value-string",
                "component-code-value-quantity", "component-code-value-concept", "combo-code-value-quantity", "combo-code-value-concept")));
    }

    private List<String> found(String parameter, String value) {
        return ids(search(SearchFixtures.admin(), "Observation?" + parameter + "=" + encode(value)));
    }

    private void refused(String parameter, String value, String code) {
        given().auth().oauth2(SearchFixtures.admin()).urlEncodingEnabled(false).when().get("/fhir/Observation?" + parameter + "=" + encode(value))
                .then().statusCode(400).body("issue[0].details.text", is(code));
    }

    private String code(String code) {
        return system + "|" + code;
    }

    private String observation(String subject, String code, String rest) {
        return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"" + system + "\",\"code\":\"" + code
                + "\"}]},\"subject\":{\"reference\":\"Patient/" + subject + "\"}," + rest + "}";
    }

    private String component(String code, int value) {
        return "{\"code\":{\"coding\":[{\"system\":\"" + system + "\",\"code\":\"" + code + "\"}]},\"valueQuantity\":" + quantity(value) + "}";
    }

    private static String quantity(int value) {
        return "{\"value\":" + value + ",\"unit\":\"mm[Hg]\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
