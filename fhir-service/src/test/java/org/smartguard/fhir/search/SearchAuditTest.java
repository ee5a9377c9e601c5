package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.testing.AuditTopic;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A search's audit event says what was asked (its criteria and includes) and how many resources the answer
 * carried, includes counted: what the audit-service's bulk-read rules and a patient's access report rely on.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class SearchAuditTest {

    private static final String FHIR_JSON = "application/fhir+json";
    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");

    @ConfigProperty(name = "smartguard.audit.topic")
    String auditTopic;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aSearchEventCarriesItsQueryAndHowManyResourcesItReturned() {
        String patient = create("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Counted\"}]}");
        for (int i = 0; i < 3; i++) {
            create("Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"pulse\"},"
                    + "\"subject\":{\"reference\":\"Patient/" + patient + "\"}}");
        }
        String jti = UUID.randomUUID().toString();
        String token = TestAuthority.token("patient/Observation.rs patient/Patient.rs", Map.of("patient", patient, "jti", jti));
        given().auth().oauth2(token).when().get("/fhir/Observation?subject=Patient/" + patient + "&_include=Observation:subject&_count=2")
                .then().statusCode(200);

        List<ConsumerRecord<String, String>> events = AuditTopic.await(bootstrap, auditTopic, 1, record -> record.value().contains(jti));
        AuditEvent event = new AuditEventCodec().decode(events.get(0).value());
        assertEquals(patient, events.get(0).key());
        assertEquals("search-type", event.getSubtypeFirstRep().getCode());
        AuditEvent.AuditEventEntityComponent query = event.getEntity().stream().filter(AuditEvent.AuditEventEntityComponent::hasQuery)
                .findFirst().orElseThrow();
        // its criteria and includes, form-encoded, in no set order; the page size is not part of what was asked
        String[] asked = new String(query.getQuery(), StandardCharsets.UTF_8).split("\\?", 2);
        assertEquals("Observation", asked[0]);
        assertEquals(Set.of("subject=Patient%2F" + patient, "_include=Observation%3Asubject"), Set.of(asked[1].split("&")));
        // a page of two observations and the patient they include
        assertEquals("3", event.getEntity().stream().flatMap(entity -> entity.getDetail().stream())
                .filter(detail -> AuditEventBuilder.RESULT_COUNT_DETAIL.equals(detail.getType())).findFirst().orElseThrow()
                .getValueStringType().getValue());
    }

    private static String create(String type, String json) {
        String location = given().auth().oauth2(ADMIN).contentType(FHIR_JSON).body(json).when().post("/fhir/" + type)
                .then().statusCode(201).extract().header("Location");
        return location.substring(location.indexOf("/fhir/") + 6).split("/")[1];
    }
}
