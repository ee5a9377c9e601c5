package org.smartguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Autoscaling, disruption budgets and replica counts of the two overlays. */
class ScalingTest {

    @Test
    void theGatewayAndTheFhirServiceScaleOnCpu() {
        Rendered.all().forEach(rendered -> {
            Set<String> targets = rendered.ofKind("HorizontalPodAutoscaler")
                    .map(hpa -> hpa.at("/spec/scaleTargetRef/kind").asText() + "/" + hpa.at("/spec/scaleTargetRef/name").asText())
                    .collect(Collectors.toSet());
            assertEquals(Set.of("Deployment/gateway-service", "Deployment/fhir-service"), targets, rendered.overlay);
        });
    }

    @Test
    void everyWorkloadHasADisruptionBudgetThatAllowsDrainingANode() {
        Rendered.all().forEach(rendered -> rendered.workloads().forEach(workload -> {
            JsonNode labels = workload.at("/spec/template/metadata/labels");
            long budgets = rendered.ofKind("PodDisruptionBudget").filter(pdb -> {
                JsonNode selector = pdb.at("/spec/selector/matchLabels");
                boolean selects = true;
                for (var it = selector.fields(); it.hasNext(); ) {
                    var entry = it.next();
                    selects &= entry.getValue().asText().equals(labels.path(entry.getKey()).asText());
                }
                return selects && pdb.at("/spec/maxUnavailable").asInt(0) >= 1;
            }).count();
            assertEquals(1, budgets, rendered.overlay + " " + workload.at("/metadata/name").asText()
                    + ": expected one PodDisruptionBudget with maxUnavailable >= 1");
        }));
    }

    @Test
    void localRunsOneReplicaOfEachServiceAndProductionThreeSpreadAcrossZones() {
        for (String service : Rendered.SERVICES) {
            assertEquals(1, Rendered.overlay("local").named("Deployment", service).at("/spec/replicas").asInt());
            JsonNode production = Rendered.overlay("production").named("Deployment", service);
            assertEquals(3, production.at("/spec/replicas").asInt(), service);
            JsonNode spread = production.at("/spec/template/spec/topologySpreadConstraints/0");
            assertEquals("topology.kubernetes.io/zone", spread.path("topologyKey").asText(), service);
            assertEquals("DoNotSchedule", spread.path("whenUnsatisfiable").asText(), service);
            assertTrue(production.at("/spec/template/spec/affinity/podAntiAffinity").isObject(), service);
        }
        assertEquals(3, Rendered.overlay("production").named("KafkaNodePool", "brokers").at("/spec/replicas").asInt());
        assertEquals(3, Rendered.overlay("production").named("Cluster", "fhir-db").at("/spec/instances").asInt());
    }

    @Test
    void productionAuditTopicsSurviveABrokerLossAndLetConsumersScale() {
        JsonNode audit = Rendered.overlay("production").named("KafkaTopic", "audit-events");
        assertEquals(3, audit.at("/spec/replicas").asInt());
        assertEquals(2, audit.at("/spec/config/min.insync.replicas").asInt());
        assertTrue(audit.at("/spec/partitions").asInt() >= 12, "partitions bound the audit-service's consumers");
        assertTrue(audit.at("/spec/config/retention.ms").asLong() > 0, "audit retention is set");
    }
}
