package org.smartguard.fhir.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.AuditEvent;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.testing.AuditTopic;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every refusal of an authenticated caller leaves an audit event of the fhir-service (outcome 4, the refusal's code
 * and status, the interaction tried, the token's client, jti and patient), whichever layer refused: scopes, a missing
 * resource, a stale If-Match, a transaction's failing entry, a batch's refused entry. An unauthenticated request
 * (401) leaves none. Each test uses a token of its own (its jti) and finds its events by it.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class RefusalAuditTest {

    private static final String FHIR_JSON = "application/fhir+json";
    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");

    @ConfigProperty(name = "smartguard.audit.topic")
    String auditTopic;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private String mine;
    private String theirs;
    private String jti;

    @BeforeEach
    void twoPatients() {
        mine = create("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Mine\"}]}");
        theirs = create("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Theirs\"}]}");
        jti = UUID.randomUUID().toString();
    }

    @Test
    void aReadOutsideTheCompartmentIsAuditedAsARefusedRead() {
        String token = patientToken("patient/Patient.rs");
        int status = given().auth().oauth2(token).when().get("/fhir/Patient/" + theirs).then().extract().statusCode();
        assertTrue(status == 403 || status == 404, "refused: " + status);

        AuditEvent event = refusal();
        assertEquals("read", event.getSubtypeFirstRep().getCode());
        assertEquals("4", event.getOutcome().toCode());
        assertTrue(event.getOutcomeDesc().endsWith("(" + status + ")"), event.getOutcomeDesc());
        assertEquals("GET /fhir/Patient/" + theirs, query(event));
        assertEquals("Patient/" + mine, patientEntity(event), "filed under the token's patient");
        assertEquals("fhir-service", event.getSource().getObserver().getDisplay());
        assertFalse(hasHttpStatusDetail(event), "the rules count the gateway's status, not this one");
    }

    @Test
    void aMissingScopeIsAuditedWithItsCode() {
        String token = patientToken("patient/Patient.rs");
        given().auth().oauth2(token).when().get("/fhir/Observation?patient=" + mine).then().statusCode(403);

        AuditEvent event = refusal();
        assertEquals("search-type", event.getSubtypeFirstRep().getCode());
        assertEquals("SG-FHIR-403-SCOPE (403)", event.getOutcomeDesc());
        assertEquals("GET /fhir/Observation?patient=" + mine, query(event));
    }

    @Test
    void aStaleIfMatchIsAuditedAsARefusedUpdate() {
        String token = systemToken();
        given().auth().oauth2(token).contentType(FHIR_JSON).header("If-Match", "W/\"7\"")
                .body("{\"resourceType\":\"Patient\",\"id\":\"" + mine + "\",\"name\":[{\"family\":\"Changed\"}]}")
                .when().put("/fhir/Patient/" + mine).then().statusCode(412);

        AuditEvent event = refusal();
        assertEquals("update", event.getSubtypeFirstRep().getCode());
        assertTrue(event.getOutcomeDesc().endsWith("(412)"), event.getOutcomeDesc());
        given().auth().oauth2(ADMIN).when().get("/fhir/Patient/" + mine).then().statusCode(200).header("ETag", "W/\"1\"");
    }

    @Test
    void aTransactionsFailingEntryIsAuditedAndNothingOfItIs() {
        String token = systemToken();
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"fullUrl\":\"urn:uuid:" + UUID.randomUUID() + "\",\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Rolled back\"}]},"
                + "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/no-such-patient\"}}]}";
        given().auth().oauth2(token).contentType(FHIR_JSON).body(bundle).when().post("/fhir").then().statusCode(404);

        List<ConsumerRecord<String, String>> events = AuditTopic.await(bootstrap, auditTopic, 1, record -> record.value().contains(jti));
        AuditEvent event = decode(events.get(0));
        assertEquals("operation", event.getSubtypeFirstRep().getCode(), "the bundle's POST");
        assertTrue(event.getOutcomeDesc().endsWith("(404)"), event.getOutcomeDesc());
        assertTrue(events.stream().noneMatch(record -> decode(record).getOutcome().toCode().equals("0")), "no create event of the rolled-back entry");
    }

    @Test
    void aBatchsRefusedEntryIsAuditedAsItsOwnInteraction() {
        String token = systemToken();
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/" + mine + "\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/no-such-patient\"}}]}";
        given().auth().oauth2(token).contentType(FHIR_JSON).body(bundle).when().post("/fhir").then().statusCode(200);

        AuditEvent event = refusal();
        assertEquals("read", event.getSubtypeFirstRep().getCode());
        assertEquals("GET /fhir/Patient/no-such-patient", query(event));
        assertTrue(event.getOutcomeDesc().endsWith("(404)"), event.getOutcomeDesc());
    }

    @Test
    void anUnauthenticatedRequestLeavesNoEventHere() {
        JwtClaims expired = TestAuthority.claims("patient/Patient.rs", Map.of("patient", mine, "jti", jti));
        expired.setExpirationTime(NumericDate.fromSeconds(Instant.now().minusSeconds(3600).getEpochSecond()));
        String forged = TestAuthority.sign(expired);
        given().auth().oauth2(forged).when().get("/fhir/Patient/" + theirs).then().statusCode(401);
        // a refusal of the same patient's token afterwards: its event follows any event of the first on the partition
        String marker = UUID.randomUUID().toString();
        given().auth().oauth2(TestAuthority.token("patient/Patient.rs", Map.of("patient", mine, "jti", marker)))
                .when().get("/fhir/Patient/" + theirs).then().statusCode(greaterThanOrEqualTo(403));

        List<ConsumerRecord<String, String>> events = AuditTopic.await(bootstrap, auditTopic, 1,
                record -> record.value().contains(marker) || record.value().contains(jti));
        assertTrue(events.stream().noneMatch(record -> record.value().contains(jti)), "no event for the expired token");
    }

    private String patientToken(String scope) {
        return TestAuthority.token(scope, Map.of("patient", mine, "fhirUser", "Patient/" + mine, "jti", jti));
    }

    private String systemToken() {
        return TestAuthority.token("system/*.cruds", Map.of("jti", jti));
    }

    private AuditEvent refusal() {
        List<ConsumerRecord<String, String>> events = AuditTopic.await(bootstrap, auditTopic, 1,
                record -> record.value().contains(jti) && !decode(record).getOutcome().toCode().equals("0"));
        assertEquals(1, events.size(), "one refusal event");
        return decode(events.get(0));
    }

    private static AuditEvent decode(ConsumerRecord<String, String> record) {
        return new AuditEventCodec().decode(record.value());
    }

    private static String query(AuditEvent event) {
        return new String(event.getEntity().stream().filter(entity -> entity.hasQuery()).findFirst().orElseThrow().getQuery(), StandardCharsets.UTF_8);
    }

    private static String patientEntity(AuditEvent event) {
        return event.getEntity().stream().filter(entity -> entity.getRole().getCode().equals("1")).findFirst().orElseThrow()
                .getWhat().getReference();
    }

    private static boolean hasHttpStatusDetail(AuditEvent event) {
        return event.getEntity().stream().flatMap(entity -> entity.getDetail().stream())
                .anyMatch(detail -> AuditEventBuilder.HTTP_STATUS_DETAIL.equals(detail.getType()));
    }

    private static String create(String json) {
        String location = given().auth().oauth2(ADMIN).contentType(FHIR_JSON).body(json).when().post("/fhir/Patient")
                .then().statusCode(201).extract().header("Location");
        return location.substring(location.indexOf("/fhir/") + 6).split("/")[1];
    }
}
