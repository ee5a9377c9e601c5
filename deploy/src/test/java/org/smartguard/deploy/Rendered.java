package org.smartguard.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The overlays rendered by {@code kubectl kustomize}, once per test run, as parsed objects and as files. */
final class Rendered {

    static final Path ROOT = Path.of(System.getProperty("deploy.root", "..")).toAbsolutePath().normalize();
    static final Path KUBERNETES = ROOT.resolve("deploy/kubernetes");
    static final Path TARGET = Path.of(System.getProperty("deploy.target", "target")).toAbsolutePath();
    static final List<String> OVERLAYS = List.of("local", "production");
    static final List<String> SERVICES = List.of("auth-service", "fhir-service", "audit-service", "gateway-service");

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    final String overlay;
    final Path file;
    final List<JsonNode> objects;

    private Rendered(String overlay, Path file, List<JsonNode> objects) {
        this.overlay = overlay;
        this.file = file;
        this.objects = objects;
    }

    static Rendered overlay(String overlay) {
        return CACHE.computeIfAbsent(overlay, Rendered::render);
    }

    static Stream<Rendered> all() {
        return OVERLAYS.stream().map(Rendered::overlay);
    }

    Stream<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText()));
    }

    JsonNode named(String kind, String name) {
        return ofKind(kind).filter(o -> name.equals(o.at("/metadata/name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
    }

    /** Deployments and StatefulSets: everything that runs pods. */
    Stream<JsonNode> workloads() {
        return objects.stream().filter(o -> o.at("/spec/template/spec").isObject());
    }

    private static Rendered render(String overlay) {
        Path dir = KUBERNETES.resolve("overlays").resolve(overlay);
        Path out = TARGET.resolve("kubernetes").resolve(overlay + ".yaml");
        Result result = run(List.of("kubectl", "kustomize", dir.toString()), ROOT);
        if (result.exit != 0) {
            fail("kubectl kustomize " + dir + " failed:\n" + result.output);
        }
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, result.output, StandardCharsets.UTF_8);
            List<JsonNode> objects = new ArrayList<>();
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(result.output)) {
                docs.forEachRemaining(doc -> {
                    if (doc != null && !doc.isEmpty()) {
                        objects.add(doc);
                    }
                });
            }
            return new Rendered(overlay, out, List.copyOf(objects));
        } catch (IOException e) {
            throw new AssertionError("cannot read the rendered " + overlay + " overlay", e);
        }
    }

    record Result(int exit, String output) {
    }

    /** Runs a command (stderr merged into stdout) with a deadline; a missing program fails the test clearly. */
    static Result run(List<String> command, Path dir) {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 2 minutes");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " is not installed or cannot run (" + e.getMessage() + "): "
                    + MISSING_TOOL_HINT.getOrDefault(command.get(0), "install it"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static final Map<String, String> MISSING_TOOL_HINT = Map.of(
            "kubectl", "these tests render the overlays with `kubectl kustomize` (Kustomize v5); ./suite test installs "
                    + "kubectl with apt-get where a repository offers it, else install kubectl 1.27 or newer yourself",
            "node", "the offline schema validation runs on Node.js 20 or newer (apt-get install nodejs)");
}
