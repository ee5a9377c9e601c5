package org.smartguard.fhir.bundle;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.AuditTopic;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class BundleTest {

    private static final String FHIR_JSON = "application/fhir+json; charset=UTF-8";
    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");

    @ConfigProperty(name = "smartguard.audit.topic")
    String auditTopic;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private String tag;

    @BeforeEach
    void unique() {
        tag = UUID.randomUUID().toString().substring(0, 8);
    }

    private String patient(String fullUrl, String family, String ifNoneExist) {
        return "{\"fullUrl\":\"" + fullUrl + "\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:test\",\"value\":\""
                + family + "\"}],\"name\":[{\"family\":\"" + family + "\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\""
                + (ifNoneExist == null ? "" : ",\"ifNoneExist\":\"" + ifNoneExist + "\"") + "}}";
    }

    private static String observation(String subjectReference) {
        return "{\"fullUrl\":\"urn:uuid:" + UUID.randomUUID() + "\",\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\","
                + "\"code\":{\"text\":\"pulse\"},\"subject\":{\"reference\":\"" + subjectReference + "\"}},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}";
    }

    private static String bundle(String type, String... entries) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[" + String.join(",", entries) + "]}";
    }

    private static JsonPath post(String token, String body, int status) {
        return given().auth().oauth2(token).contentType(FHIR_JSON).body(body).when().post("/fhir")
                .then().statusCode(status).extract().jsonPath();
    }

    private List<String> patientsNamed(String family) {
        List<String> ids = given().auth().oauth2(ADMIN).when().get("/fhir/Patient?family:exact=" + family)
                .then().statusCode(200).extract().jsonPath().getList("entry.resource.id");
        return ids == null ? List.of() : ids;
    }

    @Test
    void transactionRewritesUrnReferencesToTheAssignedIds() {
        String urn = "urn:uuid:" + UUID.randomUUID();
        JsonPath response = post(ADMIN, bundle("transaction", patient(urn, "Tx" + tag, null), observation(urn)), 200);

        assertEquals("transaction-response", response.getString("type"));
        assertEquals("201 Created", response.getString("entry[0].response.status"));
        String patientId = patientsNamed("Tx" + tag).get(0);
        String observationLocation = response.getString("entry[1].response.location");
        String observationId = observationLocation.substring(observationLocation.indexOf("Observation/") + 12).split("/")[0];
        given().auth().oauth2(ADMIN).when().get("/fhir/Observation/" + observationId)
                .then().statusCode(200).body("subject.reference", is("Patient/" + patientId));
    }

    @Test
    void everyCreateOfATransactionIsIndexedVersionedAndAuditedWithIt() {
        String urn = "urn:uuid:" + UUID.randomUUID();
        JsonPath response = post(ADMIN, bundle("transaction", patient(urn, "All" + tag, null), observation(urn), observation(urn)), 200);

        String patientId = patientsNamed("All" + tag).get(0);
        List<String> locations = List.of(response.getString("entry[1].response.location"), response.getString("entry[2].response.location"));
        List<String> found = given().auth().oauth2(ADMIN).when().get("/fhir/Observation?subject=Patient/" + patientId)
                .then().statusCode(200).extract().jsonPath().getList("entry.resource.id");
        assertEquals(2, found.size(), "both observations are indexed by their subject");
        for (String location : locations) {
            String versionPath = location.substring(location.indexOf("/fhir/") + 6);
            given().auth().oauth2(ADMIN).when().get("/fhir/" + versionPath).then().statusCode(200);
            assertEquals(1, AuditTopic.await(bootstrap, auditTopic, 1,
                    record -> patientId.equals(record.key()) && record.value().contains(versionPath) && record.value().contains("\"create\"")).size());
        }
    }

    @Test
    void entriesReferToAPutEntryByItsFullUrl() {
        String urn = "urn:uuid:" + UUID.randomUUID();
        String id = "put-" + tag;
        String put = "{\"fullUrl\":\"" + urn + "\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"},"
                + "\"request\":{\"method\":\"PUT\",\"url\":\"Patient/" + id + "\"}}";
        JsonPath response = post(ADMIN, bundle("transaction", observation(urn), put), 200);

        assertEquals("201 Created", response.getString("entry[1].response.status"));
        String observationLocation = response.getString("entry[0].response.location");
        given().auth().oauth2(ADMIN).when().get(observationLocation.substring(observationLocation.indexOf("/fhir/")).replaceAll("/_history/.*", ""))
                .then().statusCode(200).body("subject.reference", is("Patient/" + id));
    }

    @Test
    void aFailingEntryRollsBackTheWholeTransactionAndIsNamed() {
        String urn = "urn:uuid:" + UUID.randomUUID();
        post(ADMIN, bundle("transaction", patient(urn, "Rollback" + tag, null), observation("urn:uuid:" + UUID.randomUUID())), 400)
                .getString("issue[0].diagnostics").startsWith("entry 1");
        assertEquals(List.of(), patientsNamed("Rollback" + tag), "the patient of entry 0 was not kept");
        given().auth().oauth2(ADMIN).contentType(FHIR_JSON).body(bundle("transaction", patient(urn, "Rollback" + tag, null), observation("urn:uuid:nowhere")))
                .when().post("/fhir").then().statusCode(400).body("issue[0].diagnostics", startsWith("entry 1: reference urn:uuid:nowhere"));
    }

    @Test
    void conditionalCreateIsIdempotentAloneAndInTransactions() {
        String ifNoneExist = "identifier=urn:test|Cond" + tag;
        String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:test\",\"value\":\"Cond" + tag + "\"}],"
                + "\"name\":[{\"family\":\"Cond" + tag + "\"}]}";
        given().auth().oauth2(ADMIN).contentType(FHIR_JSON).header("If-None-Exist", ifNoneExist).body(body).when().post("/fhir/Patient")
                .then().statusCode(201);
        given().auth().oauth2(ADMIN).contentType(FHIR_JSON).header("If-None-Exist", ifNoneExist).body(body).when().post("/fhir/Patient")
                .then().statusCode(200);
        JsonPath again = post(ADMIN, bundle("transaction", patient("urn:uuid:" + UUID.randomUUID(), "Cond" + tag, ifNoneExist)), 200);
        assertEquals("200 OK", again.getString("entry[0].response.status"));
        assertEquals(1, patientsNamed("Cond" + tag).size());
    }

    @Test
    void conditionalReferencesResolveToTheOneMatch() {
        post(ADMIN, bundle("transaction", patient("urn:uuid:" + UUID.randomUUID(), "Ref" + tag, null)), 200);
        String patientId = patientsNamed("Ref" + tag).get(0);
        JsonPath response = post(ADMIN, bundle("transaction", observation("Patient?identifier=urn:test|Ref" + tag)), 200);
        String location = response.getString("entry[0].response.location");
        given().auth().oauth2(ADMIN).when().get(location.substring(location.indexOf("/fhir/")).replaceAll("/_history/.*", ""))
                .then().statusCode(200).body("subject.reference", is("Patient/" + patientId));
        post(ADMIN, bundle("transaction", observation("Patient?identifier=urn:test|Nobody" + tag)), 412);
    }

    @Test
    void batchEntriesSucceedOrFailOnTheirOwn() {
        JsonPath response = post(ADMIN, bundle("batch", patient("urn:uuid:" + UUID.randomUUID(), "Batch" + tag, null),
                "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/does-not-exist-" + tag + "\"}}"), 200);
        assertEquals("batch-response", response.getString("type"));
        assertEquals("201 Created", response.getString("entry[0].response.status"));
        assertEquals("404", response.getString("entry[1].response.status"));
        assertEquals(1, patientsNamed("Batch" + tag).size());
    }

    @Test
    void aTransactionCannotWriteOutsideThePatientsCompartment() {
        post(ADMIN, bundle("transaction", patient("urn:uuid:" + UUID.randomUUID(), "Mine" + tag, null),
                patient("urn:uuid:" + UUID.randomUUID(), "Theirs" + tag, null)), 200);
        String mine = patientsNamed("Mine" + tag).get(0);
        String theirs = patientsNamed("Theirs" + tag).get(0);
        String token = TestAuthority.patientToken(mine, "patient/Observation.cruds");
        given().auth().oauth2(token).contentType(FHIR_JSON).body(bundle("transaction", observation("Patient/" + mine), observation("Patient/" + theirs)))
                .when().post("/fhir").then().statusCode(403).body("issue[0].diagnostics", containsString("entry 1"));
        List<String> kept = given().auth().oauth2(ADMIN).when().get("/fhir/Observation?subject=Patient/" + mine)
                .then().statusCode(200).extract().jsonPath().getList("entry.resource.id");
        assertEquals(0, kept == null ? 0 : kept.size(), "entry 0 was rolled back too");
    }
}
