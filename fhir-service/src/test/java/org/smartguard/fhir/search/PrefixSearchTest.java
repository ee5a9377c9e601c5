package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.smartguard.fhir.search.SearchFixtures.admin;
import static org.smartguard.fhir.search.SearchFixtures.create;
import static org.smartguard.fhir.search.SearchFixtures.ids;
import static org.smartguard.fhir.search.SearchFixtures.observation;
import static org.smartguard.fhir.search.SearchFixtures.patient;
import static org.smartguard.fhir.search.SearchFixtures.reference;
import static org.smartguard.fhir.search.SearchFixtures.search;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every comparison prefix issue 4 lists (eq, ne, lt, le, gt, ge, sa, eb, ap) on date, number and quantity
 * parameters, and plain uri searches: each prefix is asked once against three values so that a prefix mapped to the
 * wrong comparison finds a different set.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class PrefixSearchTest {

    private String subject;
    private String tenth;
    private String fifteenth;
    private String twentieth;

    @BeforeEach
    void threeDaysOfObservations() {
        subject = patient("Prefix" + UUID.randomUUID().toString().substring(0, 8));
        tenth = observation(subject, "8867-4", "vital-signs", "2024-03-10", 60);
        fifteenth = observation(subject, "8867-4", "vital-signs", "2024-03-15", 72);
        twentieth = observation(subject, "8867-4", "vital-signs", "2024-03-20", 90);
    }

    private Set<String> observations(String criterion) {
        return Set.copyOf(ids(search(admin(), "Observation?subject=Patient/" + subject + "&" + criterion)));
    }

    @Test
    void datePrefixesCompareTheStoredRangeWithTheSearchedOne() {
        assertEquals(Set.of(fifteenth), observations("date=2024-03-15"));
        assertEquals(Set.of(fifteenth), observations("date=eq2024-03-15"));
        assertEquals(Set.of(tenth, twentieth), observations("date=ne2024-03-15"));
        assertEquals(Set.of(tenth), observations("date=lt2024-03-15"));
        assertEquals(Set.of(tenth, fifteenth), observations("date=le2024-03-15"));
        assertEquals(Set.of(twentieth), observations("date=gt2024-03-15"));
        assertEquals(Set.of(fifteenth, twentieth), observations("date=ge2024-03-15"));
        assertEquals(Set.of(twentieth), observations("date=sa2024-03-15"));
        assertEquals(Set.of(tenth), observations("date=eb2024-03-15"));
        assertEquals(Set.of(fifteenth), observations("date=ap2024-03-16"), "a day off is approximately the same day");
        assertEquals(Set.of(), observations("date=ap2024-03-25"));
        assertEquals(Set.of(tenth, fifteenth, twentieth), observations("date=ge2024-03&date=lt2024-04"), "repetition is AND");
    }

    @Test
    void quantityPrefixesCompareTheValue() {
        assertEquals(Set.of(fifteenth), observations("value-quantity=72"));
        assertEquals(Set.of(tenth, twentieth), observations("value-quantity=ne72"));
        assertEquals(Set.of(tenth), observations("value-quantity=lt72"));
        assertEquals(Set.of(tenth, fifteenth), observations("value-quantity=le72"));
        assertEquals(Set.of(twentieth), observations("value-quantity=gt72"));
        assertEquals(Set.of(fifteenth, twentieth), observations("value-quantity=ge72"));
        assertEquals(Set.of(fifteenth), observations("value-quantity=72%7C%7C/min"), "value, no system, unit");
        assertEquals(Set.of(), observations("value-quantity=72%7C%7Cmm%5BHg%5D"), "another unit");
        assertEquals(Set.of(), observations("value-quantity=72%7Chttp://unitsofmeasure.org%7C/min"), "the value has no system");
        assertEquals(Set.of(tenth, fifteenth), observations("value-quantity=le72%7C%7C/min,gt100%7C%7C/min"), "comma is OR");
        given().auth().oauth2(admin()).urlEncodingEnabled(false).when().get("/fhir/Observation?subject=Patient/" + subject
                + "&value-quantity=72%7C/min").then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-SEARCH-VALUE")).body("entry", nullValue());
    }

    @Test
    void numberPrefixesCompareTheValue() {
        String low = risk("0.1");
        String half = risk("0.5");
        String high = risk("0.9");
        assertEquals(Set.of(half), risks("probability=0.5"));
        assertEquals(Set.of(low, high), risks("probability=ne0.5"));
        assertEquals(Set.of(low), risks("probability=lt0.5"));
        assertEquals(Set.of(low, half), risks("probability=le0.5"));
        assertEquals(Set.of(high), risks("probability=gt0.5"));
        assertEquals(Set.of(half, high), risks("probability=ge0.5"));
    }

    @Test
    void equalityKeepsTheSearchedValuesPrecisionAndApproximationIsTenPercent() {
        String exact = risk("0.52");
        String near = risk("0.56");
        String far = risk("0.7");
        assertEquals(Set.of(exact), risks("probability=0.5"), "0.5 is [0.45, 0.55)");
        assertEquals(Set.of(), risks("probability=0.50"), "0.50 is [0.495, 0.505)");
        assertEquals(Set.of(exact), risks("probability=0.52"));
        assertEquals(Set.of(near, far), risks("probability=ne0.5"));
        assertEquals(Set.of(exact, near), risks("probability=ap0.55"), "within 10%: [0.495, 0.605]");
        assertEquals(Set.of(fifteenth), observations("value-quantity=ap70"), "72 is within 10% of 70, 60 and 90 are not");
        assertEquals(Set.of(fifteenth), observations("value-quantity=7.2e1"), "7.2e1 is [71.5, 72.5)");
        for (String outOfRange : List.of("1e-2147483647", "1e5000", "ap1e-2147483647")) {
            given().auth().oauth2(admin()).urlEncodingEnabled(false).when().get("/fhir/RiskAssessment?subject=Patient/" + subject
                    + "&probability=" + outOfRange).then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-SEARCH-VALUE"));
        }
    }

    private String risk(String probability) {
        return create("RiskAssessment", "{\"resourceType\":\"RiskAssessment\",\"status\":\"final\",\"subject\":" + reference("Patient", subject)
                + ",\"prediction\":[{\"probabilityDecimal\":" + probability + "}]}");
    }

    private Set<String> risks(String criterion) {
        return Set.copyOf(ids(search(admin(), "RiskAssessment?subject=Patient/" + subject + "&" + criterion)));
    }

    @Test
    void uriSearchMatchesTheWholeUri() {
        String url = "http://example.org/fhir/ValueSet/prefix-" + subject;
        String valueSet = create("ValueSet", "{\"resourceType\":\"ValueSet\",\"status\":\"active\",\"url\":\"" + url + "\"}");
        assertEquals(Set.of(valueSet), Set.copyOf(ids(search(admin(), "ValueSet?url=" + url))));
        assertEquals(Set.of(), Set.copyOf(ids(search(admin(), "ValueSet?url=" + url.substring(0, url.length() - 1)))), "not a prefix");
    }

    @Test
    void anUnknownPrefixIs400() {
        given().auth().oauth2(admin()).urlEncodingEnabled(false).when().get("/fhir/Observation?subject=Patient/" + subject + "&date=xx2024-03-15")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-SEARCH-VALUE")).body("entry", nullValue());
    }
}
