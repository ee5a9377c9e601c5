package org.smartguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** What each Kafka user may do: services only write audit events; the audit-service and security team read. */
class KafkaAclTest {

    /** "topic audit-events literal Write" per allowed operation. */
    private static Set<String> grants(String user) {
        JsonNode kafkaUser = Rendered.overlay("production").named("KafkaUser", user);
        Set<String> grants = new TreeSet<>();
        kafkaUser.at("/spec/authorization/acls").forEach(acl -> acl.path("operations").forEach(op -> grants.add(
                acl.at("/resource/type").asText() + " " + acl.at("/resource/name").asText() + " "
                        + acl.at("/resource/patternType").asText("literal") + " " + op.asText())));
        assertEquals("allow", kafkaUser.at("/spec/authorization/acls/0/type").asText("allow"));
        return grants;
    }

    @Test
    void servicesMayOnlyWriteAuditEvents() {
        for (String service : Set.of("gateway-service", "auth-service", "fhir-service")) {
            assertEquals(Set.of("topic audit-events literal Describe", "topic audit-events literal Write"), grants(service), service);
        }
    }

    @Test
    void theAuditServiceReadsAuditEventsAndWritesAlertsAndDeadLetters() {
        assertEquals(new TreeSet<>(Set.of(
                "topic audit-events literal Read", "topic audit-events literal Write", "topic audit-events literal Describe",
                "group audit-service literal Read",
                "topic audit-events.dlq literal Write", "topic audit-events.dlq literal Describe",
                "topic security-alerts literal Read", "topic security-alerts literal Write", "topic security-alerts literal Describe",
                "group audit-service-alerts literal Read",
                "group audit-rules literal Read",
                "topic audit-rules- prefix Create", "topic audit-rules- prefix Delete", "topic audit-rules- prefix Read",
                "topic audit-rules- prefix Write", "topic audit-rules- prefix Describe", "topic audit-rules- prefix DescribeConfigs",
                "transactionalId audit-rules- prefix Write", "transactionalId audit-rules- prefix Describe")),
                grants("audit-service"));
    }

    @Test
    void theSecurityTeamMayOnlyReadAuditEventsAndAlerts() {
        assertEquals(new TreeSet<>(Set.of("topic audit-events literal Read", "topic audit-events literal Describe",
                "topic security-alerts literal Read", "topic security-alerts literal Describe",
                "group security-team prefix Read")), grants("security-team"));
    }

    @Test
    void everyUserAuthenticatesWithScramOnTheTlsListener() {
        Rendered.all().forEach(rendered -> {
            rendered.ofKind("KafkaUser").forEach(user ->
                    assertEquals("scram-sha-512", user.at("/spec/authentication/type").asText(), user.at("/metadata/name").asText()));
            JsonNode listeners = rendered.named("Kafka", "smartguard").at("/spec/kafka/listeners");
            assertEquals(1, listeners.size(), "one listener");
            assertEquals(true, listeners.at("/0/tls").asBoolean());
            assertEquals("scram-sha-512", listeners.at("/0/authentication/type").asText());
            assertEquals("simple", rendered.named("Kafka", "smartguard").at("/spec/kafka/authorization/type").asText());
        });
    }
}
