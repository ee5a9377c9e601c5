package org.smartguard.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Policy checks over every container the overlays run (services and Redis); each names what it found wrong. */
class PodHardeningTest {

    /** Runs the check on every container of every workload of every overlay; collects all failures. */
    private static void eachContainer(BiConsumer<Pod, List<String>> check) {
        List<String> failures = new ArrayList<>();
        Rendered.all().forEach(rendered -> rendered.workloads().forEach(workload -> {
            JsonNode spec = workload.at("/spec/template/spec");
            Stream.concat(stream(spec.path("initContainers")), stream(spec.path("containers"))).forEach(container ->
                    check.accept(new Pod(rendered.overlay + " " + workload.at("/metadata/name").asText() + "/"
                            + container.path("name").asText(), spec, container), failures));
        }));
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> nodes = new ArrayList<>();
        array.forEach(nodes::add);
        return nodes.stream();
    }

    record Pod(String name, JsonNode spec, JsonNode container) {
        /** A container setting, else the pod's (Kubernetes' own precedence). */
        JsonNode securitySetting(String field) {
            JsonNode own = container.at("/securityContext/" + field);
            return own.isMissingNode() ? spec.at("/securityContext/" + field) : own;
        }
    }

    @Test
    void everyContainerHasLivenessReadinessAndStartupProbes() {
        eachContainer((pod, failures) -> {
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                if (!pod.container().path(probe).isObject()) {
                    failures.add(pod.name() + ": no " + probe);
                }
            }
        });
    }

    @Test
    void servicesProbeTheirQuarkusHealthEndpoints() {
        List<String> failures = new ArrayList<>();
        Rendered.all().forEach(rendered -> Rendered.SERVICES.forEach(service -> {
            JsonNode container = rendered.named("Deployment", service).at("/spec/template/spec/containers/0");
            check(failures, service, container, "livenessProbe", "/q/health/live");
            check(failures, service, container, "readinessProbe", "/q/health/ready");
            check(failures, service, container, "startupProbe", "/q/health/started");
        }));
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static void check(List<String> failures, String service, JsonNode container, String probe, String path) {
        JsonNode get = container.at("/" + probe + "/httpGet");
        if (!path.equals(get.path("path").asText()) || !"http".equals(get.path("port").asText())) {
            failures.add(service + ": " + probe + " is " + get + ", expected GET " + path + " on port http");
        }
    }

    @Test
    void everyContainerHasCpuAndMemoryRequestsAndLimits() {
        eachContainer((pod, failures) -> {
            for (String kind : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    if (pod.container().at("/resources/" + kind + "/" + resource).isMissingNode()) {
                        failures.add(pod.name() + ": no " + resource + " " + kind);
                    }
                }
            }
        });
    }

    /**
     * The sizes of bench/run resources (README "Resources"): a JVM does not hand memory back promptly, so a service's
     * memory request is its limit; the heap's share of it (run-java.sh's JAVA_MAX_MEM_RATIO) leaves the rest of the
     * measured footprint (metaspace, code, threads, buffers) inside the limit.
     */
    @Test
    void servicesRequestTheirMemoryLimitAndCapTheHeapBelowIt() {
        eachService((name, container, failures) -> {
            JsonNode resources = container.path("resources");
            if (!resources.at("/requests/memory").asText().equals(resources.at("/limits/memory").asText())) {
                failures.add(name + ": memory request " + resources.at("/requests/memory").asText() + " is not the limit "
                        + resources.at("/limits/memory").asText());
            }
            if (millicores(resources.at("/requests/cpu").asText()) > millicores(resources.at("/limits/cpu").asText())) {
                failures.add(name + ": CPU request above the limit");
            }
            String ratio = env(container, "JAVA_MAX_MEM_RATIO");
            if (!ratio.matches("[1-7][0-9]")) {
                failures.add(name + ": JAVA_MAX_MEM_RATIO is '" + ratio + "', expected a heap share of 10 to 79 percent");
            }
        });
    }

    /**
     * run-java.sh's GC defaults let ParallelGC spend up to a fifth of the time collecting to keep the heap small (on
     * the gateway benchmark, a quarter of its CPU); the limit above holds the whole heap, so each service restores
     * the JVM's own ratios (README "Resources").
     */
    @Test
    void servicesLetTheHeapGrowWithinTheLimitRatherThanCollectAllTheTime() {
        eachService((name, container, failures) -> {
            int timeRatio = envInt(container, "GC_TIME_RATIO");
            int maxFree = envInt(container, "GC_MAX_HEAP_FREE_RATIO");
            int minFree = envInt(container, "GC_MIN_HEAP_FREE_RATIO");
            if (timeRatio < 19) {
                failures.add(name + ": GC_TIME_RATIO " + timeRatio + " lets the GC take more than 5% of the time");
            }
            if (maxFree < 40 || minFree < 10 || minFree >= maxFree) {
                failures.add(name + ": GC_MIN/MAX_HEAP_FREE_RATIO " + minFree + "/" + maxFree + " shrink the heap after every collection");
            }
        });
    }

    /** A check of one overlay's service: its name ("overlay service") and its Deployment's container. */
    @FunctionalInterface
    private interface ServiceCheck {
        void check(String name, JsonNode container, List<String> failures);
    }

    private static void eachService(ServiceCheck check) {
        List<String> failures = new ArrayList<>();
        Rendered.all().forEach(rendered -> Rendered.SERVICES.forEach(service -> check.check(rendered.overlay + " " + service,
                rendered.named("Deployment", service).at("/spec/template/spec/containers/0"), failures)));
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** The value the container's environment gives the variable, "" when none. */
    private static String env(JsonNode container, String variable) {
        return stream(container.path("env")).filter(env -> variable.equals(env.path("name").asText()))
                .map(env -> env.path("value").asText()).findFirst().orElse("");
    }

    /** The container's variable as a number, -1 when it is not set or not a number. */
    private static int envInt(JsonNode container, String variable) {
        String value = env(container, variable);
        return value.matches("[0-9]+") ? Integer.parseInt(value) : -1;
    }

    private static long millicores(String quantity) {
        return quantity.endsWith("m") ? Long.parseLong(quantity.substring(0, quantity.length() - 1))
                : Math.round(Double.parseDouble(quantity) * 1000);
    }

    @Test
    void everyContainerRunsAsNonRootOnAReadOnlyRoot() {
        eachContainer((pod, failures) -> {
            if (!pod.securitySetting("runAsNonRoot").asBoolean(false)) {
                failures.add(pod.name() + ": runAsNonRoot is not true");
            }
            if (!pod.container().at("/securityContext/readOnlyRootFilesystem").asBoolean(false)) {
                failures.add(pod.name() + ": readOnlyRootFilesystem is not true");
            }
            if (pod.securitySetting("runAsUser").asInt(1) == 0) {
                failures.add(pod.name() + ": runAsUser is 0");
            }
        });
    }

    @Test
    void noContainerMayEscalatePrivilegesOrKeepCapabilities() {
        eachContainer((pod, failures) -> {
            JsonNode security = pod.container().path("securityContext");
            if (security.path("allowPrivilegeEscalation").asBoolean(true)) {
                failures.add(pod.name() + ": allowPrivilegeEscalation is not false");
            }
            if (security.path("privileged").asBoolean(false)) {
                failures.add(pod.name() + ": privileged");
            }
            if (!security.at("/capabilities/drop").toString().equals("[\"ALL\"]")
                    || !security.at("/capabilities/add").isMissingNode()) {
                failures.add(pod.name() + ": capabilities are " + security.path("capabilities") + ", expected drop ALL");
            }
        });
    }

    @Test
    void everyContainerUsesTheRuntimeDefaultSeccompProfile() {
        eachContainer((pod, failures) -> {
            if (!"RuntimeDefault".equals(pod.securitySetting("seccompProfile").path("type").asText())) {
                failures.add(pod.name() + ": seccompProfile is not RuntimeDefault");
            }
        });
    }

    @Test
    void noPodMountsAServiceAccountToken() {
        eachContainer((pod, failures) -> {
            if (pod.spec().path("automountServiceAccountToken").asBoolean(true)) {
                failures.add(pod.name() + ": automountServiceAccountToken is not false");
            }
            if (pod.spec().path("hostNetwork").asBoolean(false) || pod.spec().path("hostPID").asBoolean(false)) {
                failures.add(pod.name() + ": shares the host's network or process namespace");
            }
        });
    }

    @Test
    void servicesShutDownGracefullyWithinTheirGracePeriod() {
        Rendered.all().forEach(rendered -> Rendered.SERVICES.forEach(service -> {
            JsonNode spec = rendered.named("Deployment", service).at("/spec/template/spec");
            JsonNode common = rendered.named("ConfigMap", "smartguard-common").path("data");
            long preStop = spec.at("/containers/0/lifecycle/preStop/sleep/seconds").asLong(0);
            long delay = seconds(common.path("QUARKUS_SHUTDOWN_DELAY").asText());
            long requests = seconds(common.path("QUARKUS_SHUTDOWN_TIMEOUT").asText());
            long drain = seconds(common.path("SMARTGUARD_AUDIT_SHUTDOWN_DRAIN_TIMEOUT").asText());
            assertTrue(preStop > 0, service + ": no preStop pause while endpoints are removed");
            assertTrue(delay > 0, service + ": no shutdown delay telling keep-alive clients to close their connections");
            assertTrue(requests > 0 && drain > 0, service + ": no request or audit drain timeout");
            assertTrue(preStop + delay + requests + drain < spec.path("terminationGracePeriodSeconds").asLong(30),
                    service + ": the grace period does not cover preStop + shutdown delay + requests + audit drain");
        }));
    }

    private static long seconds(String duration) {
        assertTrue(duration.matches("\\d+s"), "expected a duration in seconds, got '" + duration + "'");
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    @Test
    void writablePathsAreVolumesOfBoundedSize() {
        eachContainer((pod, failures) -> pod.spec().path("volumes").forEach(volume -> {
            if (volume.has("emptyDir") && volume.at("/emptyDir/sizeLimit").isMissingNode()) {
                failures.add(pod.name() + ": emptyDir " + volume.path("name").asText() + " has no sizeLimit");
            }
            if (volume.has("hostPath")) {
                failures.add(pod.name() + ": hostPath volume " + volume.path("name").asText());
            }
        }));
    }
}
