package org.smartguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Each setting a service gets from a ConfigMap or its env list is a configuration name that service reads. */
class ConfigMapKeysTest {

    private static final Map<String, ServiceConfigNames> NAMES = Rendered.SERVICES.stream()
            .collect(Collectors.toMap(Function.identity(), ServiceConfigNames::of));

    @Test
    void everyConfigMapKeyIsASettingOfEveryServiceThatLoadsIt() {
        List<String> failures = new ArrayList<>();
        Rendered.all().forEach(rendered -> Rendered.SERVICES.forEach(service -> {
            JsonNode container = rendered.named("Deployment", service).at("/spec/template/spec/containers/0");
            container.path("envFrom").forEach(source -> {
                String map = source.at("/configMapRef/name").asText();
                rendered.named("ConfigMap", map).path("data").fieldNames().forEachRemaining(key -> {
                    if (!NAMES.get(service).reads(key)) {
                        failures.add(rendered.overlay + ": " + service + " reads no setting " + key + " (ConfigMap " + map + ")");
                    }
                });
            });
            container.path("env").forEach(env -> {
                if (!NAMES.get(service).reads(env.path("name").asText())) {
                    failures.add(rendered.overlay + ": " + service + " reads no setting " + env.path("name").asText());
                }
            });
        }));
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyConfigMapIsLoadedByAService() {
        Rendered.all().forEach(rendered -> {
            Set<String> loaded = new HashSet<>();
            rendered.workloads().forEach(w -> w.at("/spec/template/spec/containers/0/envFrom")
                    .forEach(s -> loaded.add(s.at("/configMapRef/name").asText())));
            Set<String> maps = rendered.ofKind("ConfigMap").map(m -> m.at("/metadata/name").asText()).collect(Collectors.toSet());
            assertEquals(maps, loaded, rendered.overlay + ": ConfigMaps nobody loads, or loaded but missing");
        });
    }

    @Test
    void theCheckKnowsRealNamesFromMappingsPropertiesQuarkusAndKafka() {
        ServiceConfigNames gateway = NAMES.get("gateway-service");
        assertTrue(gateway.reads("SMARTGUARD_GATEWAY_RATELIMIT_CLIENT_LIMITS_PORTAL"), "a map key of a @ConfigMapping");
        assertTrue(gateway.reads("SMARTGUARD_AUDIT_SHUTDOWN_DRAIN_TIMEOUT"), "security-commons' mapping");
        assertTrue(gateway.reads("QUARKUS_SHUTDOWN_TIMEOUT"), "a Quarkus run-time setting");
        assertTrue(gateway.reads("KAFKA_SASL_JAAS_CONFIG"), "a Kafka client setting");
        assertTrue(NAMES.get("audit-service").reads("QUARKUS_DATASOURCE__AUDIT_WRITER__JDBC_URL"), "a named datasource");
        assertTrue(NAMES.get("audit-service").reads("QUARKUS_KAFKA_STREAMS_SASL_MECHANISM"), "Kafka Streams");

        assertFalse(gateway.reads("QUARKUS_DATASOURCE_JDBC_URL"), "the gateway has no database");
        assertFalse(gateway.reads("SMARTGUARD_GATEWAY_RATELIMIT_DEFAULT_LIMT"), "a misspelt name");
        assertFalse(gateway.reads("QUARKUS_NATIVE_ENABLED"), "a build-time setting");
        assertFalse(gateway.reads("KAFKA_SASL_JAAS_CONFIGURATION"), "not a Kafka client setting");
        assertFalse(NAMES.get("fhir-service").reads("SMARTGUARD_AUTH_FHIR_INTERNAL_URL"), "another service's setting");
    }
}
