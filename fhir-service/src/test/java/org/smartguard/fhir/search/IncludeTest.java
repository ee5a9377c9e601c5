package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.smartguard.fhir.search.SearchFixtures.CATEGORY;
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
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** _include, _revinclude and :iterate, and that included resources obey the token exactly as direct reads would. */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class IncludeTest {

    private String alice;
    private String bob;
    private String doctor;
    private String alicesPulse;
    private String alicesLab;
    private String provenanceInAlices;
    private String provenanceInBobs;

    @BeforeEach
    void data() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        alice = patient("Alice" + tag);
        bob = patient("Bob" + tag);
        doctor = create("Practitioner", "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Doc" + tag + "\"}]}");
        // Alice's pulse names Bob as its focus: a reference out of Alice's compartment
        alicesPulse = create("Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":\""
                + CATEGORY + "\",\"code\":\"vital-signs\"}]}],\"code\":{\"text\":\"pulse\"},\"subject\":" + reference("Patient", alice)
                + ",\"focus\":[" + reference("Patient", bob) + "],\"performer\":[" + reference("Practitioner", doctor) + "]}");
        alicesLab = observation(alice, "2339-0", "laboratory", "2024-03-15", 5);
        observation(bob, "2339-0", "laboratory", "2024-03-15", 6);
        provenanceInAlices = provenance(alicesPulse, alice);
        provenanceInBobs = provenance(alicesPulse, bob);
    }

    /** A Provenance of the observation, in the compartment of the patient it also targets. */
    private String provenance(String observation, String patient) {
        return create("Provenance", "{\"resourceType\":\"Provenance\",\"target\":[" + reference("Observation", observation) + ","
                + reference("Patient", patient) + "],\"recorded\":\"2024-03-15T10:00:00Z\",\"agent\":[{\"who\":"
                + reference("Practitioner", doctor) + "}]}");
    }

    @Test
    void includedResourcesFollowTheNamedReferencesAndAreMarkedInclude() {
        JsonPath bundle = search(admin(), "Observation?_id=" + alicesPulse + "&_include=Observation:subject&_include=Observation:performer");
        assertEquals(List.of(alicesPulse), ids(bundle, "match"));
        assertEquals(Set.of(alice, doctor), Set.copyOf(ids(bundle, "include")));
        assertEquals(Set.of(alice), Set.copyOf(ids(search(admin(), "Observation?_id=" + alicesPulse + "&_include=Observation:subject:Patient"), "include")));
        assertEquals(Set.of(alice, bob, doctor), Set.copyOf(ids(search(admin(), "Observation?_id=" + alicesPulse + "&_include=*"), "include")));
        assertEquals(Set.of(alice, bob, doctor), Set.copyOf(ids(search(admin(), "Observation?_id=" + alicesPulse + "&_include=Observation:*"), "include")));
        JsonPath next = search(admin(), "Observation?_id=" + alicesPulse + "&_include=Observation:subject&_count=1");
        assertEquals(true, SearchFixtures.link(next, "self").contains("_include=Observation%3Asubject"), "links keep the includes");
    }

    @Test
    void revincludeFindsWhatRefersToTheMatchesIncludingProvenance() {
        JsonPath bundle = search(admin(), "Observation?_id=" + alicesPulse + "&_revinclude=Provenance:target");
        assertEquals(List.of(alicesPulse), ids(bundle, "match"));
        assertEquals(Set.of(provenanceInAlices, provenanceInBobs), Set.copyOf(ids(bundle, "include")));
        assertEquals(Set.of(alicesPulse, alicesLab), Set.copyOf(ids(search(admin(), "Patient?_id=" + alice + "&_revinclude=Observation:subject"), "include")));
    }

    @Test
    void iterateAppliesIncludesToWhatWasIncluded() {
        String once = "Observation?_id=" + alicesPulse + "&_revinclude=Provenance:target&_include=Provenance:agent";
        assertEquals(Set.of(provenanceInAlices, provenanceInBobs), Set.copyOf(ids(search(admin(), once), "include")),
                "without :iterate an include applies to the matches only");
        String iterated = "Observation?_id=" + alicesPulse + "&_revinclude=Provenance:target&_include:iterate=Provenance:agent";
        assertEquals(Set.of(provenanceInAlices, provenanceInBobs, doctor), Set.copyOf(ids(search(admin(), iterated), "include")));
    }

    @Test
    void patientTokenIncludesNeverLeaveItsCompartment() {
        String token = TestAuthority.patientToken(alice, "patient/*.rs");
        JsonPath focus = search(token, "Observation?_id=" + alicesPulse + "&_include=Observation:focus");
        assertEquals(List.of(alicesPulse), ids(focus, "match"));
        assertEquals(List.of(), ids(focus, "include"), "Bob is outside Alice's compartment");
        assertEquals(Set.of(alice, doctor), Set.copyOf(ids(search(token, "Observation?_id=" + alicesPulse + "&_include=*"), "include")));
        assertEquals(List.of(provenanceInAlices), ids(search(token, "Observation?_id=" + alicesPulse + "&_revinclude=Provenance:target"), "include"),
                "the Provenance in Bob's compartment is left out");
        assertEquals(Set.of(alicesPulse, alicesLab), Set.copyOf(ids(search(token, "Patient?_revinclude=Observation:subject"), "include")));
    }

    @Test
    void includesNeedReadPermissionOnTheIncludedType() {
        String observationsOnly = TestAuthority.patientToken(alice, "patient/Observation.rs");
        JsonPath bundle = search(observationsOnly, "Observation?_id=" + alicesPulse
                + "&_include=Observation:subject&_include=Observation:performer&_revinclude=Provenance:target");
        assertEquals(List.of(alicesPulse), ids(bundle));
        String searchOnly = TestAuthority.patientToken(alice, "patient/Observation.rs patient/Patient.s");
        assertEquals(List.of(), ids(search(searchOnly, "Observation?_id=" + alicesPulse + "&_include=Observation:subject"), "include"),
                "search permission on Patient is not read permission");
    }

    @Test
    void granularScopesFilterRevincludedResources() {
        String labOnly = TestAuthority.patientToken(alice, "patient/Patient.rs patient/Observation.rs?category=" + CATEGORY + "|laboratory");
        JsonPath bundle = search(labOnly, "Patient?_id=" + alice + "&_revinclude=Observation:subject");
        assertEquals(List.of(alice), ids(bundle, "match"));
        assertEquals(List.of(alicesLab), ids(bundle, "include"));
    }

    @Test
    void malformedIncludesAreRefused() {
        for (String include : List.of("_include=Observation:nonsense", "_include=Nope:subject", "_include=Observation",
                "_revinclude=Provenance:recorded", "_include:deep=Observation:subject")) {
            given().auth().oauth2(admin()).urlEncodingEnabled(false).when().get("/fhir/Observation?" + include)
                    .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-SEARCH-INCLUDE"));
        }
    }
}
