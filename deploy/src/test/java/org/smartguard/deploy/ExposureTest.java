package org.smartguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Only the gateway is reachable from outside the cluster, and only over TLS. */
class ExposureTest {

    @Test
    void everyServiceIsClusterInternal() {
        Rendered.all().forEach(rendered -> rendered.ofKind("Service").forEach(service -> {
            String name = rendered.overlay + " Service " + service.at("/metadata/name").asText();
            assertEquals("ClusterIP", service.at("/spec/type").asText("ClusterIP"), name + " is exposed");
            assertTrue(service.at("/spec/externalIPs").isMissingNode(), name + " has external IPs");
            service.path("spec").path("ports").forEach(port ->
                    assertTrue(port.path("nodePort").isMissingNode(), name + " has a node port"));
        }));
    }

    @Test
    void theOnlyIngressLeadsToTheGatewayOverTls() {
        Rendered.all().forEach(rendered -> {
            List<JsonNode> ingresses = rendered.ofKind("Ingress").toList();
            assertEquals(1, ingresses.size(), rendered.overlay + ": expected exactly one Ingress");
            JsonNode ingress = ingresses.get(0);
            ingress.at("/spec/rules").forEach(rule -> {
                assertTrue(ingress.at("/spec/tls").toString().contains("\"" + rule.path("host").asText() + "\""),
                        rendered.overlay + ": host " + rule.path("host") + " has no TLS certificate");
                rule.at("/http/paths").forEach(path -> assertEquals("gateway-service",
                        path.at("/backend/service/name").asText(), rendered.overlay + ": a path leads past the gateway"));
            });
            assertTrue(ingress.at("/spec/defaultBackend").isMissingNode(), rendered.overlay + ": default backend");
            assertTrue(rendered.ofKind("HTTPRoute").findAny().isEmpty(), rendered.overlay + ": an HTTPRoute");
            assertTrue(rendered.named("ConfigMap", "smartguard-common").at("/data/SMARTGUARD_PUBLIC_BASE_URL")
                    .asText().equals("https://" + ingress.at("/spec/tls/0/hosts/0").asText()),
                    rendered.overlay + ": the public base URL is not the Ingress' TLS host");
        });
    }
}
