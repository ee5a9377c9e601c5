package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.smartguard.fhir.search.SearchFixtures.CATEGORY;
import static org.smartguard.fhir.search.SearchFixtures.admin;
import static org.smartguard.fhir.search.SearchFixtures.create;
import static org.smartguard.fhir.search.SearchFixtures.ids;
import static org.smartguard.fhir.search.SearchFixtures.reference;
import static org.smartguard.fhir.search.SearchFixtures.search;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Chained parameters and _has, and that neither can test resources outside what the token may search. */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class ChainTest {

    private String tag;
    private String alice;
    private String bob;
    private String alicesPulse;
    private String bobsPulse;

    @BeforeEach
    void data() {
        tag = UUID.randomUUID().toString().substring(0, 8);
        alice = create("Patient", "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:mrn\",\"value\":\"A-" + tag + "\"}],"
                + "\"name\":[{\"family\":\"Alpha" + tag + "\"}]}");
        bob = create("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Beta" + tag + "\"}]}");
        alicesPulse = observation(alice, bob, "a-" + tag);
        bobsPulse = observation(bob, null, "b-" + tag);
    }

    private static String observation(String subject, String focus, String code) {
        return create("Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":\""
                + CATEGORY + "\",\"code\":\"vital-signs\"}]}],\"code\":{\"coding\":[{\"system\":\"urn:test\",\"code\":\"" + code + "\"}]},"
                + "\"subject\":" + reference("Patient", subject) + (focus == null ? "" : ",\"focus\":[" + reference("Patient", focus) + "]") + "}");
    }

    @Test
    void chainedParametersSearchTheReferencedResource() {
        assertEquals(List.of(alicesPulse), ids(search(admin(), "Observation?subject:Patient.name=alpha" + tag)));
        assertEquals(List.of(alicesPulse), ids(search(admin(), "Observation?patient.identifier=urn:mrn%7CA-" + tag)));
        assertEquals(List.of(alicesPulse), ids(search(admin(), "Observation?subject.name=Alpha" + tag)), "every target type with a name");
        assertEquals(List.of(alicesPulse), ids(search(admin(), "Observation?focus:Patient.name=Beta" + tag)));
        assertEquals(List.of(bobsPulse), ids(search(admin(), "Observation?subject:Patient.name:exact=Beta" + tag)));
        assertEquals(List.of(), ids(search(admin(), "Observation?subject:Patient.name=Gamma" + tag)));
    }

    @Test
    void hasFindsResourcesThatOthersReferTo() {
        assertEquals(List.of(alice), ids(search(admin(), "Patient?_has:Observation:patient:code=a-" + tag)));
        assertEquals(List.of(bob), ids(search(admin(), "Patient?_has:Observation:focus:code=a-" + tag)));
        assertEquals(List.of(), ids(search(admin(), "Patient?_has:Observation:patient:code=none-" + tag)));
    }

    @Test
    void chainsCannotTestResourcesOutsideThePatientsCompartment() {
        String token = TestAuthority.patientToken(alice, "patient/*.rs");
        assertEquals(List.of(), ids(search(token, "Observation?focus:Patient.name=Beta" + tag)),
                "Bob's name must not be testable through Alice's observation");
        assertEquals(List.of(alicesPulse), ids(search(token, "Observation?subject:Patient.name=Alpha" + tag)));
        assertEquals(List.of(), ids(search(token, "Patient?_has:Observation:patient:code=b-" + tag)));
        assertEquals(List.of(alice), ids(search(token, "Patient?_has:Observation:patient:code=a-" + tag)));
    }

    @Test
    void hasCannotTestResourcesTheGranularScopeHides() {
        String labOnly = TestAuthority.patientToken(alice, "patient/Patient.rs patient/Observation.rs?category=" + CATEGORY + "|laboratory");
        assertEquals(List.of(), ids(search(labOnly, "Patient?_has:Observation:patient:code=a-" + tag)),
                "Alice's pulse is a vital sign, outside the token's laboratory-only scope");
    }

    @Test
    void chainsOnTypesTheTokenCannotSearchAreRefused() {
        given().auth().oauth2(TestAuthority.patientToken(alice, "patient/Observation.rs")).urlEncodingEnabled(false)
                .when().get("/fhir/Observation?subject:Patient.name=Alpha" + tag)
                .then().statusCode(403).body("issue[0].details.text", is("SG-FHIR-403-SCOPE")).body("entry", nullValue());
        given().auth().oauth2(TestAuthority.patientToken(alice, "patient/Patient.rs")).urlEncodingEnabled(false)
                .when().get("/fhir/Patient?_has:Observation:patient:code=a-" + tag)
                .then().statusCode(403).body("issue[0].details.text", is("SG-FHIR-403-SCOPE")).body("entry", nullValue());
    }

    @Test
    void malformedChainsAreRefused() {
        for (String query : List.of("Observation?subject.organization.name=x", "Observation?code.name=x", "Observation?subject:Patient.nonsense=x")) {
            given().auth().oauth2(admin()).urlEncodingEnabled(false).when().get("/fhir/" + query).then().statusCode(400);
        }
        for (String query : List.of("Patient?_has:Observation:patient:_has:Provenance:target:agent=x", "Patient?_has:Observation:code:code=x",
                "Patient?_has:Nope:patient:code=x", "Patient?_has:Observation=x")) {
            given().auth().oauth2(admin()).urlEncodingEnabled(false).when().get("/fhir/" + query).then().statusCode(400);
        }
    }
}
