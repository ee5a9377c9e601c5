package org.smartguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Evaluates the rendered NetworkPolicies (plus the listener policy Strimzi generates from the Kafka resource's
 * networkPolicyPeers) between the suite's pods and their neighbours, on the suite's ports, and compares every flow that
 * is allowed with the list of flows the suite needs: anything more or less fails.
 */
class NetworkPolicyFlowsTest {

    private static final String NAMESPACE = "smartguard";
    private static final List<String> PORTS = List.of("8080/TCP", "8081/TCP", "8082/TCP", "8083/TCP", "6379/TCP",
            "5432/TCP", "8000/TCP", "9093/TCP", "53/UDP", "53/TCP");

    record Endpoint(String name, String namespace, Map<String, String> labels) {
    }

    /** The flows the suite needs (README "Deploy on Kubernetes" > "Network"). */
    private static Set<String> expectedFlows(List<Endpoint> endpoints) {
        Set<String> flows = new TreeSet<>(List.of(
                "ingress-controller -> gateway-service:8080/TCP",
                "gateway-service -> auth-service:8081/TCP", "gateway-service -> fhir-service:8082/TCP",
                "gateway-service -> audit-service:8083/TCP",
                // JWKS and SMART configuration from the auth-service; the auth-service's patient picker searches FHIR
                "fhir-service -> auth-service:8081/TCP", "audit-service -> auth-service:8081/TCP",
                "auth-service -> fhir-service:8082/TCP"));
        for (String service : Rendered.SERVICES) {
            flows.add(service + " -> redis:6379/TCP");
            flows.add(service + " -> kafka-broker:9093/TCP");
            flows.add("prometheus -> " + service + ":" + Map.of("gateway-service", 8080, "auth-service", 8081,
                    "fhir-service", 8082, "audit-service", 8083).get(service) + "/TCP");
        }
        for (String db : List.of("auth", "fhir", "audit")) {
            flows.add(db + "-service -> " + db + "-db:5432/TCP");
            for (String port : List.of("5432/TCP", "8000/TCP")) {
                flows.add(db + "-db -> " + db + "-db:" + port);
                flows.add("cnpg-operator -> " + db + "-db:" + port);
            }
        }
        endpoints.stream().filter(e -> e.namespace().equals(NAMESPACE)).forEach(e -> {
            flows.add(e.name() + " -> kube-dns:53/UDP");
            flows.add(e.name() + " -> kube-dns:53/TCP");
        });
        return flows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void theNetworkPoliciesAllowExactlyTheSuitesFlows(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        List<JsonNode> policies = new ArrayList<>(rendered.ofKind("NetworkPolicy").toList());
        policies.add(strimziListenerPolicy(rendered.named("Kafka", "smartguard")));
        List<Endpoint> endpoints = endpoints(rendered);

        Set<String> allowed = new TreeSet<>();
        for (Endpoint from : endpoints) {
            for (Endpoint to : endpoints) {
                if (!from.namespace().equals(NAMESPACE) && !to.namespace().equals(NAMESPACE)) {
                    continue; // neither side is ours: not governed by these policies
                }
                for (String port : PORTS) {
                    if (allows(policies, from, to, port, "egress") && allows(policies, to, from, port, "ingress")) {
                        allowed.add(from.name() + " -> " + to.name() + ":" + port);
                    }
                }
            }
        }
        assertEquals(String.join("\n", expectedFlows(endpoints)), String.join("\n", allowed));
    }

    private static List<Endpoint> endpoints(Rendered rendered) {
        List<Endpoint> endpoints = new ArrayList<>();
        Stream.concat(Rendered.SERVICES.stream().map(s -> rendered.named("Deployment", s)),
                Stream.of(rendered.named("StatefulSet", "redis"))).forEach(workload -> endpoints.add(new Endpoint(
                        workload.at("/metadata/name").asText(), NAMESPACE, labels(workload.at("/spec/template/metadata/labels")))));
        for (String db : List.of("auth-db", "fhir-db", "audit-db")) {
            rendered.named("Cluster", db);
            endpoints.add(new Endpoint(db, NAMESPACE, Map.of("cnpg.io/cluster", db, "cnpg.io/podRole", "instance")));
        }
        endpoints.add(new Endpoint("kafka-broker", NAMESPACE, Map.of("strimzi.io/cluster", "smartguard",
                "strimzi.io/kind", "Kafka", "strimzi.io/broker-role", "true", "strimzi.io/pool-name", "brokers")));
        endpoints.add(new Endpoint("stray-pod", NAMESPACE, Map.of()));
        endpoints.add(new Endpoint("ingress-controller", "ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx")));
        endpoints.add(new Endpoint("prometheus", "monitoring", Map.of("app.kubernetes.io/name", "prometheus")));
        endpoints.add(new Endpoint("cnpg-operator", "cnpg-system", Map.of("app.kubernetes.io/name", "cloudnative-pg")));
        endpoints.add(new Endpoint("kube-dns", "kube-system", Map.of("k8s-app", "kube-dns")));
        endpoints.add(new Endpoint("other-namespace-pod", "elsewhere", Map.of("app.kubernetes.io/name", "auth-service")));
        return endpoints;
    }

    private static Map<String, String> labels(JsonNode node) {
        return new ObjectMapper().convertValue(node, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {
        });
    }

    /** What Strimzi generates for the listener: ingress on its port from the listener's networkPolicyPeers only. */
    private static JsonNode strimziListenerPolicy(JsonNode kafka) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode policy = json.createObjectNode();
        policy.putObject("metadata").put("name", "strimzi-listeners").put("namespace", NAMESPACE);
        ObjectNode spec = policy.putObject("spec");
        spec.putObject("podSelector").putObject("matchLabels").put("strimzi.io/cluster", kafka.at("/metadata/name").asText())
                .put("strimzi.io/kind", "Kafka");
        spec.putArray("policyTypes").add("Ingress");
        kafka.at("/spec/kafka/listeners").forEach(listener -> {
            ObjectNode rule = spec.withArray("ingress").addObject();
            rule.set("from", listener.path("networkPolicyPeers"));
            rule.putArray("ports").addObject().put("protocol", "TCP").put("port", listener.path("port").asInt());
        });
        return policy;
    }

    /** Whether the policies selecting {@code pod} let it send ("egress") to, or receive ("ingress") from, {@code peer}. */
    private static boolean allows(List<JsonNode> policies, Endpoint pod, Endpoint peer, String port, String direction) {
        String type = direction.equals("egress") ? "Egress" : "Ingress";
        List<JsonNode> selecting = policies.stream()
                .filter(p -> pod.namespace().equals(NAMESPACE))
                .filter(p -> p.at("/spec/policyTypes").toString().contains("\"" + type + "\""))
                .filter(p -> selects(p.at("/spec/podSelector"), pod.labels())).toList();
        if (selecting.isEmpty()) {
            return true; // a pod no policy isolates accepts and sends everything
        }
        String peersField = direction.equals("egress") ? "to" : "from";
        return selecting.stream().flatMap(p -> stream(p.at("/spec/" + direction))).anyMatch(rule ->
                portMatches(rule.path("ports"), port) && peerMatches(rule.path(peersField), peer));
    }

    private static boolean peerMatches(JsonNode peers, Endpoint peer) {
        if (peers.isMissingNode() || peers.isEmpty()) {
            return true;
        }
        return stream(peers).anyMatch(p -> {
            if (p.has("ipBlock")) {
                return false; // only addresses outside the pod network (the Kubernetes API, object storage) are meant
            }
            boolean namespaceOk = p.has("namespaceSelector")
                    ? selects(p.path("namespaceSelector"), Map.of("kubernetes.io/metadata.name", peer.namespace()))
                    : peer.namespace().equals(NAMESPACE);
            return namespaceOk && (!p.has("podSelector") || selects(p.path("podSelector"), peer.labels()));
        });
    }

    private static boolean portMatches(JsonNode ports, String port) {
        if (ports.isMissingNode() || ports.isEmpty()) {
            return true;
        }
        String[] numberAndProtocol = port.split("/");
        return stream(ports).anyMatch(p -> {
            if (!p.path("port").isInt()) {
                throw new AssertionError("use port numbers in NetworkPolicies, not names: " + p);
            }
            return p.path("port").asText().equals(numberAndProtocol[0])
                    && p.path("protocol").asText("TCP").equals(numberAndProtocol[1]);
        });
    }

    static boolean selects(JsonNode selector, Map<String, String> labels) {
        for (var it = selector.path("matchLabels").fields(); it.hasNext(); ) {
            var entry = it.next();
            if (!entry.getValue().asText().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String value = labels.get(expression.path("key").asText());
            boolean listed = value != null && expression.path("values").toString().contains("\"" + value + "\"");
            boolean ok = switch (expression.path("operator").asText()) {
                case "In" -> listed;
                case "NotIn" -> !listed;
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("unknown selector operator " + expression);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> nodes = new ArrayList<>();
        array.forEach(nodes::add);
        return nodes.stream();
    }
}
