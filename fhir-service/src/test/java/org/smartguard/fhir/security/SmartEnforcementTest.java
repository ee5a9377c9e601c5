package org.smartguard.fhir.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.testing.AuditTopic;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.commons.tokens.RevokedTokenKeys;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * SMART scopes on the instance interactions: who may read and write what, and that a refusal leaks nothing. Each
 * test makes its own two patients (mine and theirs) with one observation each.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class SmartEnforcementTest {

    private static final String FHIR_JSON = "application/fhir+json";
    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "smartguard.audit.topic")
    String auditTopic;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private String mine;
    private String theirs;
    private String myVitals;
    private String myLab;
    private String theirVitals;

    @BeforeEach
    void twoPatientsWithObservations() {
        mine = create(ADMIN, "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Mine\"}]}");
        theirs = create(ADMIN, "Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Theirs\"}]}");
        myVitals = create(ADMIN, "Observation", observation(mine, "vital-signs"));
        myLab = create(ADMIN, "Observation", observation(mine, "laboratory"));
        theirVitals = create(ADMIN, "Observation", observation(theirs, "vital-signs"));
    }

    private static String observation(String patient, String category) {
        return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"" + category + "\"}]}],"
                + "\"code\":{\"text\":\"pulse\"},\"subject\":{\"reference\":\"Patient/" + patient + "\"}}";
    }

    private static String create(String token, String type, String json) {
        Response created = given().auth().oauth2(token).contentType(FHIR_JSON).body(json).when().post("/fhir/" + type)
                .then().statusCode(201).extract().response();
        String location = created.header("Location");
        return location.substring(location.indexOf("/fhir/") + 6).split("/")[1];
    }

    private static int readStatus(String token, String reference) {
        return given().auth().oauth2(token).when().get("/fhir/" + reference).then().extract().statusCode();
    }

    @Test
    void noTokenOrABadTokenIs401WithABearerChallenge() {
        given().when().get("/fhir/Observation/" + myVitals)
                .then().statusCode(401).header("WWW-Authenticate", is("Bearer realm=\"smartguard\""))
                .body("issue[0].details.text", is("SG-FHIR-401-NO-TOKEN"));
        given().auth().oauth2("not.a.token").when().get("/fhir/Observation/" + myVitals)
                .then().statusCode(401).header("WWW-Authenticate", containsString("error=\"invalid_token\""));
    }

    @Test
    void revokedTokenIs401EvenHereBehindTheGateway() {
        String jti = UUID.randomUUID().toString();
        String token = TestAuthority.token("patient/*.rs", Map.of("patient", mine, "jti", jti));
        assertEquals(200, readStatus(token, "Observation/" + myVitals));
        redis.value(String.class).setex(RevokedTokenKeys.of(jti), 60, "revoked");
        given().auth().oauth2(token).when().get("/fhir/Observation/" + myVitals)
                .then().statusCode(401).body("issue[0].diagnostics", is("the token has been revoked"));
    }

    @Test
    void patientTokenReadsItsOwnCompartmentAndNothingElseExists() {
        String token = TestAuthority.patientToken(mine, "patient/Observation.rs patient/Patient.rs");
        assertEquals(200, readStatus(token, "Observation/" + myVitals));
        assertEquals(200, readStatus(token, "Patient/" + mine));
        assertEquals(404, readStatus(token, "Observation/" + theirVitals), "another patient's data does not exist for this token");
        assertEquals(404, readStatus(token, "Patient/" + theirs));
        assertEquals(404, readStatus(token, "Observation/" + theirVitals + "/_history/1"));
        assertEquals(404, readStatus(token, "Observation/" + theirVitals + "/_history"));
    }

    @Test
    void missingScopeIs403NamingWhatIsNeeded() {
        String token = TestAuthority.patientToken(mine, "patient/Patient.rs");
        given().auth().oauth2(token).when().get("/fhir/Observation/" + myVitals)
                .then().statusCode(403)
                .header("WWW-Authenticate", containsString("error=\"insufficient_scope\""))
                .body("issue[0].diagnostics", containsString("read on Observation"));
    }

    @Test
    void patientScopeWithoutAPatientInContextGetsNothing() {
        String token = TestAuthority.token("patient/*.rs", Map.of());
        given().auth().oauth2(token).when().get("/fhir/Observation/" + myVitals)
                .then().statusCode(403).body("issue[0].details.text", is("SG-FHIR-403-CONTEXT"));
    }

    @Test
    void userScopesFollowTheUser() {
        assertEquals(200, readStatus(TestAuthority.practitionerToken("dr-1", "user/Observation.rs"), "Observation/" + theirVitals));
        String patientUser = TestAuthority.token("user/Observation.rs", Map.of("fhirUser", "Patient/" + mine));
        assertEquals(200, readStatus(patientUser, "Observation/" + myVitals));
        assertEquals(404, readStatus(patientUser, "Observation/" + theirVitals));
        given().auth().oauth2(TestAuthority.token("user/Observation.rs", Map.of())).when().get("/fhir/Observation/" + myVitals)
                .then().statusCode(403).body("issue[0].details.text", is("SG-FHIR-403-CONTEXT"));
    }

    @Test
    void granularScopeLimitsToItsCategory() {
        String labOnly = TestAuthority.patientToken(mine,
                "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory");
        assertEquals(200, readStatus(labOnly, "Observation/" + myLab));
        assertEquals(404, readStatus(labOnly, "Observation/" + myVitals));
    }

    @Test
    void patientHintNarrowsASystemTokenButCannotWidenAPatientToken() {
        given().auth().oauth2(TestAuthority.systemToken("system/Observation.rs")).header("X-FHIR-Patient", mine)
                .when().get("/fhir/Observation/" + theirVitals).then().statusCode(404);
        given().auth().oauth2(TestAuthority.patientToken(mine, "patient/Observation.rs")).header("X-FHIR-Patient", theirs)
                .when().get("/fhir/Observation/" + theirVitals).then().statusCode(403);
    }

    @Test
    void patientHintNarrowsSearchesAndHistoryAndCannotWidenThem() {
        String system = TestAuthority.systemToken("system/Observation.rs");
        List<String> searched = given().auth().oauth2(system).header("X-FHIR-Patient", mine).when().get("/fhir/Observation?_count=100")
                .then().statusCode(200).extract().jsonPath().getList("entry.resource.id");
        assertEquals(Set.of(myVitals, myLab), Set.copyOf(searched));
        List<String> history = given().auth().oauth2(system).header("X-FHIR-Patient", mine).when().get("/fhir/Observation/_history?_count=100")
                .then().statusCode(200).extract().jsonPath().getList("entry.resource.id");
        assertEquals(Set.of(myVitals, myLab), Set.copyOf(history));

        String widening = given().auth().oauth2(TestAuthority.patientToken(mine, "patient/Observation.rs")).header("X-FHIR-Patient", theirs)
                .when().get("/fhir/Observation?patient=" + theirs)
                .then().statusCode(403).header("WWW-Authenticate", containsString("insufficient_scope"))
                .body("issue[0].details.text", is("SG-FHIR-403-CONTEXT")).extract().asString();
        assertFalse(widening.contains(theirVitals), "nothing of the other patient's");
    }

    @Test
    void writesCannotLandInAnotherPatientsCompartment() {
        String token = TestAuthority.patientToken(mine, "patient/Observation.cruds");
        create(token, "Observation", observation(mine, "vital-signs"));
        given().auth().oauth2(token).contentType(FHIR_JSON).body(observation(theirs, "vital-signs"))
                .when().post("/fhir/Observation")
                .then().statusCode(403).body("issue[0].details.text", is("SG-FHIR-403-SCOPE"));
        String moved = observation(theirs, "vital-signs").replace("{\"resourceType\":\"Observation\",",
                "{\"resourceType\":\"Observation\",\"id\":\"" + myVitals + "\",");
        given().auth().oauth2(token).contentType(FHIR_JSON).body(moved).when().put("/fhir/Observation/" + myVitals).then().statusCode(403);
        given().auth().oauth2(ADMIN).when().get("/fhir/Observation/" + myVitals)
                .then().statusCode(200).body("subject.reference", is("Patient/" + mine)).header("ETag", "W/\"1\"");
        given().auth().oauth2(token).when().delete("/fhir/Observation/" + theirVitals).then().statusCode(404);
        assertEquals(200, readStatus(ADMIN, "Observation/" + theirVitals));
    }

    @Test
    void aReadIsAuditedWithItsPatientClientAndToken() {
        String jti = UUID.randomUUID().toString();
        String token = TestAuthority.token("patient/Observation.rs", Map.of("patient", mine, "fhirUser", "Patient/" + mine, "jti", jti));
        assertEquals(200, readStatus(token, "Observation/" + myVitals));

        List<ConsumerRecord<String, String>> events = AuditTopic.await(bootstrap, auditTopic, 1,
                record -> mine.equals(record.key()) && record.value().contains(jti));
        AuditEvent event = new AuditEventCodec().decode(events.get(0).value());
        assertEquals("read", event.getSubtypeFirstRep().getCode());
        assertEquals("fhir-service", event.getSource().getObserver().getDisplay());
        assertEquals("Patient/" + mine, event.getEntity().stream().filter(e -> e.getRole().getCode().equals("1")).findFirst().orElseThrow()
                .getWhat().getReference());
        assertEquals("Observation/" + myVitals + "/_history/1", event.getEntity().stream().filter(e -> e.getRole().getCode().equals("4"))
                .findFirst().orElseThrow().getWhat().getReference());
    }
}
