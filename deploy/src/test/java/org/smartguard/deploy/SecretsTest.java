package org.smartguard.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Credentials are referenced from Secrets that the operators or the platform team create; none is committed. */
class SecretsTest {

    /** Names of settings that hold a credential. */
    private static final Pattern CREDENTIAL = Pattern.compile("(?i).*(password|secret|token|jaas|credential|private|_key$).*");

    @Test
    void theManifestsHoldNoSecretObject() {
        Rendered.all().forEach(rendered -> assertTrue(
                rendered.ofKind("Secret").findAny().isEmpty() && rendered.ofKind("SealedSecret").findAny().isEmpty(),
                rendered.overlay + " commits a Secret"));
    }

    @Test
    void credentialsReachContainersOnlyFromSecrets() {
        List<String> failures = new ArrayList<>();
        Rendered.all().forEach(rendered -> rendered.workloads().forEach(workload ->
                workload.at("/spec/template/spec/containers").forEach(container -> container.path("env").forEach(env -> {
                    String name = env.path("name").asText();
                    if (CREDENTIAL.matcher(name).matches() && env.at("/valueFrom/secretKeyRef/name").isMissingNode()) {
                        failures.add(rendered.overlay + " " + workload.at("/metadata/name").asText() + ": " + name
                                + " is not from a Secret");
                    }
                }))));
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void noConfigMapHoldsACredential() {
        List<String> failures = new ArrayList<>();
        Rendered.all().forEach(rendered -> rendered.ofKind("ConfigMap").forEach(map -> map.path("data").fields()
                .forEachRemaining(entry -> {
                    if (CREDENTIAL.matcher(entry.getKey()).matches() || looksLikeACredential(entry.getValue())) {
                        failures.add(rendered.overlay + " ConfigMap " + map.at("/metadata/name").asText() + ": "
                                + entry.getKey());
                    }
                })));
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** A URL with a user:password part, or a PEM block. */
    private static boolean looksLikeACredential(JsonNode value) {
        String text = value.asText();
        return text.matches("(?s).*://[^/@\\s]+:[^/@\\s]+@.*") || text.contains("-----BEGIN");
    }
}
