package org.smartguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every overlay renders, and every object in it is valid against its schema (deploy/kubernetes/validate). */
class OverlaysValidateOfflineTest {

    private static final Path VALIDATOR = Rendered.KUBERNETES.resolve("validate");

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyObjectOfTheOverlayIsValidAgainstItsSchema(String overlay) {
        assertTrue(Files.isDirectory(VALIDATOR.resolve("node_modules")),
                "the validator's npm packages are missing: run `npm ci` in " + VALIDATOR + " (./suite test does)");
        Rendered rendered = Rendered.overlay(overlay);

        Rendered.Result result = Rendered.run(List.of("node", "validate.mjs", rendered.file.toString()), VALIDATOR);

        assertEquals(0, result.exit(), overlay + " has invalid objects:\n" + result.output());
        assertTrue(result.output().startsWith("valid: " + rendered.objects.size() + " objects"), result.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void theOverlayHoldsTheWholeSuite(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        for (String service : Rendered.SERVICES) {
            for (String kind : List.of("Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "KafkaUser")) {
                rendered.named(kind, service);
            }
        }
        for (String db : List.of("auth-db", "fhir-db", "audit-db")) {
            rendered.named("Cluster", db);
            rendered.named("ScheduledBackup", db + "-daily");
        }
        for (String topic : List.of("audit-events", "audit-events.dlq", "security-alerts")) {
            rendered.named("KafkaTopic", topic);
        }
        rendered.named("Kafka", "smartguard");
        rendered.named("KafkaUser", "security-team");
        rendered.named("StatefulSet", "redis");
        rendered.named("ServiceMonitor", "smart-guard");
        rendered.named("PrometheusRule", "smart-guard");
        rendered.named("Namespace", "smartguard");
    }
}
