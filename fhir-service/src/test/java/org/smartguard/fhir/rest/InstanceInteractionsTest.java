package org.smartguard.fhir.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class InstanceInteractionsTest {

    private static final String FHIR_JSON = "application/fhir+json";
    private static final String SYSTEM = TestAuthority.systemToken("system/*.cruds");

    private static String patientJson(String id, String family) {
        return "{\"resourceType\":\"Patient\"" + (id == null ? "" : ",\"id\":\"" + id + "\"")
                + ",\"name\":[{\"family\":\"" + family + "\",\"given\":[\"Ana\"]}],\"birthDate\":\"1980-02-03\"}";
    }

    private static String observationJson(String patientId, String category) {
        return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"" + category + "\"}]}],"
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},"
                + "\"subject\":{\"reference\":\"Patient/" + patientId + "\"},\"valueQuantity\":{\"value\":72,\"unit\":\"/min\"}}";
    }

    static String createdId(Response response) {
        String location = response.header("Location");
        String path = location.substring(location.indexOf("/fhir/") + 6);
        return path.split("/")[1];
    }

    static String create(String token, String type, String json) {
        return createdId(given().auth().oauth2(token).contentType(FHIR_JSON).body(json)
                .when().post("/fhir/" + type).then().statusCode(201).extract().response());
    }

    @Test
    void createThenReadGivesTheResourceWithVersionETagAndLocation() {
        Response created = given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).body(patientJson(null, "Lopez"))
                .when().post("/fhir/Patient")
                .then().statusCode(201)
                .header("Location", startsWith("http://localhost:8080/fhir/Patient/"))
                .header("Location", endsWith("/_history/1"))
                .header("ETag", "W/\"1\"")
                .body("meta.versionId", is("1"))
                .extract().response();
        String id = createdId(created);

        given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/" + id)
                .then().statusCode(200)
                .contentType(containsString(FHIR_JSON))
                .header("ETag", "W/\"1\"")
                .header("Last-Modified", not(equalTo(null)))
                .body("id", is(id))
                .body("name[0].family", is("Lopez"));
    }

    @Test
    void updateMakesAVersionAndVreadReadsEitherOne() {
        String id = create(SYSTEM, "Patient", patientJson(null, "First"));
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).body(patientJson(id, "Second")).header("If-Match", "W/\"1\"")
                .when().put("/fhir/Patient/" + id)
                .then().statusCode(200).header("ETag", "W/\"2\"");

        given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/" + id + "/_history/1").then().statusCode(200).body("name[0].family", is("First"));
        given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/" + id + "/_history/2").then().statusCode(200).body("name[0].family", is("Second"));
        given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/" + id + "/_history")
                .then().statusCode(200).body("type", is("history")).body("total", is(2));
    }

    @Test
    void staleIfMatchIs412AndChangesNothing() {
        String id = create(SYSTEM, "Patient", patientJson(null, "Kept"));
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).body(patientJson(id, "Lost")).header("If-Match", "W/\"7\"")
                .when().put("/fhir/Patient/" + id)
                .then().statusCode(412).body("resourceType", is("OperationOutcome"));
        given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/" + id).then().body("name[0].family", is("Kept")).header("ETag", "W/\"1\"");
    }

    @Test
    void updateCreatesWhenTheIdIsNew() {
        String id = "client-chosen-" + UUID.randomUUID();
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).body(patientJson(id, "New"))
                .when().put("/fhir/Patient/" + id)
                .then().statusCode(201);
    }

    @Test
    void deletedResourceIsGoneButItsHistoryRemains() {
        String id = create(SYSTEM, "Patient", patientJson(null, "Gone"));
        given().auth().oauth2(SYSTEM).when().delete("/fhir/Patient/" + id).then().statusCode(204);
        given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/" + id).then().statusCode(410).body("issue[0].code", is("deleted"));
        given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/" + id + "/_history/1").then().statusCode(200);
        given().auth().oauth2(SYSTEM).when().delete("/fhir/Patient/" + id).then().statusCode(204);
    }

    @Test
    void badInputGetsAClearOperationOutcomeAndStoresNothing() {
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).body("{\"resourceType\":\"Patient\",\"nonsense\":1}")
                .when().post("/fhir/Patient")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-PARSE")).body("issue[0].diagnostics", containsString("nonsense"));
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).body("{\"resourceType\":\"Patient\",\"birthDate\":\"not a date\"}")
                .when().post("/fhir/Patient").then().statusCode(400);
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).body("{not json")
                .when().post("/fhir/Patient").then().statusCode(400);
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).body(patientJson(null, "X"))
                .when().post("/fhir/Observation").then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-TYPE-MISMATCH"));
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).body(patientJson("other-id", "X"))
                .when().put("/fhir/Patient/this-id").then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-ID-MISMATCH"));
        given().auth().oauth2(SYSTEM).when().get("/fhir/Nonsense/1").then().statusCode(404).body("issue[0].details.text", is("SG-FHIR-UNKNOWN-TYPE"));
        given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/bad$id").then().statusCode(400);
    }

    @Test
    void preferReturnMinimalSendsNoBody() {
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).header("Prefer", "return=minimal").body(patientJson(null, "Min"))
                .when().post("/fhir/Patient")
                .then().statusCode(201).header("Location", not(equalTo(null))).body(is(""));
    }

    @Test
    void observationJoinsItsPatientsCompartment() {
        String patient = create(SYSTEM, "Patient", patientJson(null, "Owner"));
        String observation = create(SYSTEM, "Observation", observationJson(patient, "vital-signs"));
        given().auth().oauth2(TestAuthority.patientToken(patient, "patient/Observation.rs")).when().get("/fhir/Observation/" + observation)
                .then().statusCode(200);
    }

    @Test
    void jsonPatchMakesANewVersionAndAFailedTestOperationChangesNothing() {
        String id = create(SYSTEM, "Patient", patientJson(null, "Before"));
        given().auth().oauth2(SYSTEM).contentType("application/json-patch+json").header("If-Match", "W/\"1\"")
                .body("[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"After\"}]")
                .when().patch("/fhir/Patient/" + id)
                .then().statusCode(200).header("ETag", "W/\"2\"").body("name[0].family", is("After"));
        given().auth().oauth2(SYSTEM).contentType("application/json-patch+json")
                .body("[{\"op\":\"test\",\"path\":\"/name/0/family\",\"value\":\"Wrong\"},{\"op\":\"remove\",\"path\":\"/name\"}]")
                .when().patch("/fhir/Patient/" + id)
                .then().statusCode(422).body("issue[0].details.text", is("SG-FHIR-PATCH"));
        given().auth().oauth2(SYSTEM).contentType("application/json-patch+json")
                .body("[{\"op\":\"add\",\"path\":\"/nonsense\",\"value\":1}]")
                .when().patch("/fhir/Patient/" + id)
                .then().statusCode(400);
        given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/" + id).then().header("ETag", "W/\"2\"").body("name[0].family", is("After"));
    }

    private static void carriesVersionHeaders(Response response, String version) {
        assertEquals("W/\"" + version + "\"", response.header("ETag"), response.asString());
        assertNotNull(response.header("Last-Modified"), "Last-Modified");
    }

    @Test
    void everyAnswerThatCarriesAResourceHasItsETagAndLastModified() {
        Response created = given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).body(patientJson(null, "Headers")).when().post("/fhir/Patient");
        carriesVersionHeaders(created, "1");
        String id = createdId(created);
        carriesVersionHeaders(given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/" + id), "1");
        Response updated = given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).body(patientJson(id, "Headers2")).when().put("/fhir/Patient/" + id);
        assertEquals(200, updated.statusCode());
        carriesVersionHeaders(updated, "2");
        assertTrue(updated.header("Location").endsWith("/fhir/Patient/" + id + "/_history/2"), updated.header("Location"));
        Response patched = given().auth().oauth2(SYSTEM).contentType("application/json-patch+json")
                .body("[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Headers3\"}]").when().patch("/fhir/Patient/" + id);
        carriesVersionHeaders(patched, "3");
        assertTrue(patched.header("Location").endsWith("/_history/3"));
        carriesVersionHeaders(given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/" + id + "/_history/2"), "2");
        Response createdByUpdate = given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).body(patientJson("put-" + id, "Put"))
                .when().put("/fhir/Patient/put-" + id);
        assertEquals(201, createdByUpdate.statusCode());
        carriesVersionHeaders(createdByUpdate, "1");
        assertTrue(createdByUpdate.header("Location").endsWith("/fhir/Patient/put-" + id + "/_history/1"));
    }

    @Test
    void preferChoosesWhatAWriteReturns() {
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).header("Prefer", "return=representation").body(patientJson(null, "Rep"))
                .when().post("/fhir/Patient")
                .then().statusCode(201).body("resourceType", is("Patient")).body("name[0].family", is("Rep"));
        Response outcome = given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).header("Prefer", "return=OperationOutcome")
                .body(patientJson(null, "Outcome")).when().post("/fhir/Patient");
        outcome.then().statusCode(201).body("resourceType", is("OperationOutcome")).body("issue[0].severity", is("information"));
        carriesVersionHeaders(outcome, "1");
        String id = createdId(outcome);
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).header("Prefer", "return=minimal").body(patientJson(id, "Minimal"))
                .when().put("/fhir/Patient/" + id)
                .then().statusCode(200).header("ETag", "W/\"2\"").header("Location", endsWith("/_history/2")).body(is(""));
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).header("Prefer", "return=OperationOutcome").body(patientJson(id, "Again"))
                .when().put("/fhir/Patient/" + id)
                .then().statusCode(200).body("resourceType", is("OperationOutcome")).body("issue[0].diagnostics", containsString("Patient/" + id));
    }

    @Test
    void staleIfMatchOnAPatchOrOnANewResourceIs412AndChangesNothing() {
        String id = create(SYSTEM, "Patient", patientJson(null, "Kept"));
        given().auth().oauth2(SYSTEM).contentType("application/json-patch+json").header("If-Match", "W/\"9\"")
                .body("[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Lost\"}]")
                .when().patch("/fhir/Patient/" + id)
                .then().statusCode(412).body("issue[0].details.text", is("SG-FHIR-412"));
        given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/" + id).then().header("ETag", "W/\"1\"").body("name[0].family", is("Kept"));
        String fresh = "if-match-" + UUID.randomUUID();
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).header("If-Match", "W/\"1\"").body(patientJson(fresh, "Never"))
                .when().put("/fhir/Patient/" + fresh).then().statusCode(412);
        given().auth().oauth2(SYSTEM).when().get("/fhir/Patient/" + fresh).then().statusCode(404);
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).header("If-Match", "three").body(patientJson(id, "Bad"))
                .when().put("/fhir/Patient/" + id).then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-IF-MATCH"));
    }

    @Test
    void conditionalCreateReturnsTheOneMatchUnchangedAndRefusesAmbiguity() {
        String family = "Cond" + UUID.randomUUID().toString().substring(0, 8);
        String first = create(SYSTEM, "Patient", patientJson(null, family));
        Response again = given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).header("If-None-Exist", "family:exact=" + family)
                .body(patientJson(null, family)).when().post("/fhir/Patient");
        again.then().statusCode(200).body("id", is(first));
        carriesVersionHeaders(again, "1");
        assertEquals(first, createdId(again));
        create(SYSTEM, "Patient", patientJson(null, family));
        given().auth().oauth2(SYSTEM).contentType(FHIR_JSON).header("If-None-Exist", "family:exact=" + family)
                .body(patientJson(null, family)).when().post("/fhir/Patient")
                .then().statusCode(412).body("issue[0].details.text", is("SG-FHIR-412-CONDITIONAL"));
        given().auth().oauth2(SYSTEM).when().get("/fhir/Patient?family:exact=" + family).then().body("entry.size()", is(2));
    }
}
