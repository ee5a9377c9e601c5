package org.smartguard.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A whole stack (four services and the demo app) started with {@code ./suite up}, beside any stack a developer runs:
 * its own ports (18080-18083, 19090), state directory (under target/), databases ({@code *_e2e}), Redis database and
 * Kafka topics ({@code e2e.*}). PostgreSQL, Redis and Kafka are used as they run; {@link #close()} runs
 * {@code ./suite down} for the same state directory, which stops only what this stack started. {@link FaultStack}
 * starts another one with infrastructure of its own.
 */
final class E2eStack implements AutoCloseable {

    static final int DEMO_APP_PORT = 19090;
    /** Short, so a test sees the demo app renew an expired token within seconds. */
    static final String ACCESS_TOKEN_LIFETIME = "20s";
    static final String TOPIC_PREFIX = "e2e.";
    /** The auth-service's admin credential in this stack only (the key-rotation check calls the admin API). */
    static final String ADMIN_TOKEN = "e2e-admin-token";

    private static final Duration UP_TIMEOUT = Duration.ofMinutes(8);
    private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(2);

    private final Path root;
    private final Path state;
    /** ./suite's settings for this stack (ports, state, names); the services' own settings too. */
    private final Map<String, String> settings;

    private E2eStack(Path root, Path state, Map<String, String> settings) {
        this.root = root;
        this.state = state;
        this.settings = settings;
    }

    /** The end-to-end tests' stack. */
    static E2eStack up() {
        return up("e2e-stack", sharedSettings());
    }

    /**
     * Starts a stack with these ./suite settings in target/NAME; if that fails, stops whatever part of it did start and
     * fails with the script's output.
     */
    static E2eStack up(String name, Map<String, String> settings) {
        Path root = Path.of(System.getProperty("e2e.root", "..")).toAbsolutePath().normalize();
        Path state = Path.of(System.getProperty("e2e.target", "target")).toAbsolutePath().resolve(name);
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("SUITE_STATE_DIR", state.toString());
        E2eStack stack = new E2eStack(root, state, Map.copyOf(all));
        try {
            stack.suite(UP_TIMEOUT, "up");
        } catch (RuntimeException e) {
            try {
                stack.close();
            } catch (RuntimeException stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw e;
        }
        return stack;
    }

    String gatewayUrl() {
        return "http://localhost:" + settings.get("GATEWAY_PORT");
    }

    String appUrl() {
        return "http://localhost:" + settings.get("DEMO_APP_PORT");
    }

    /** The auth-service on its own port, as operators reach its admin API from inside the perimeter. */
    String authServiceUrl() {
        return "http://localhost:" + settings.get("AUTH_PORT");
    }

    /** The fhir-service on its own port: requests that bypass the gateway. */
    String fhirServiceUrl() {
        return "http://localhost:" + settings.get("FHIR_PORT");
    }

    /** The audit-service on its own port. */
    String auditServiceUrl() {
        return "http://localhost:" + settings.get("AUDIT_PORT");
    }

    /** The Kafka broker the stack uses: ./suite's KAFKA_PORT, its own or the one it inherits from this process. */
    String kafkaBootstrap() {
        return "127.0.0.1:" + settings.getOrDefault("KAFKA_PORT", System.getenv().getOrDefault("KAFKA_PORT", "9092"));
    }

    String topic(String name) {
        return settings.get("SUITE_TOPIC_PREFIX") + name;
    }

    Path root() {
        return root;
    }

    /** demo-backend's private JWK, written by the auth-service at start. */
    Path backendKeyFile() {
        return state.resolve("demo/demo-backend-key.json");
    }

    Path artifacts() {
        return state.getParent().resolve("e2e-artifacts");
    }

    /** The log of the stack's component (e.g. gateway-service, kafka). */
    Path log(String component) {
        return state.resolve("logs").resolve(component + ".log");
    }

    @Override
    public void close() {
        suite(DOWN_TIMEOUT, "down");
    }

    /** Runs ./suite with the arguments for this stack; fails with the script's output if it fails. */
    void suite(Duration timeout, String... arguments) {
        String command = String.join(" ", arguments);
        Path log = state.getParent().resolve(state.getFileName() + "-" + String.join("-", arguments) + ".log");
        try {
            Files.createDirectories(state);
            List<String> line = new java.util.ArrayList<>(List.of(root.resolve("suite").toString()));
            line.addAll(List.of(arguments));
            ProcessBuilder builder = new ProcessBuilder(line)
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(settings);
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("./suite " + command + " did not finish within " + timeout + "; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("./suite " + command + " failed (exit " + process.exitValue() + "):\n"
                        + tail(log) + "\nservice logs: " + state.resolve("logs"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run ./suite " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running ./suite " + command, e);
        }
    }

    private static Map<String, String> sharedSettings() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GATEWAY_PORT", "18080");
        env.put("AUTH_PORT", "18081");
        env.put("FHIR_PORT", "18082");
        env.put("AUDIT_PORT", "18083");
        env.put("DEMO_APP_PORT", Integer.toString(DEMO_APP_PORT));
        env.put("SUITE_DB_SUFFIX", "_e2e");
        env.put("SUITE_REDIS_DB", "1");
        env.put("SUITE_TOPIC_PREFIX", TOPIC_PREFIX);
        // every run starts from empty databases, topics and Redis database, as on a new machine: a rerun then sees
        // the same population and no alert suppressed by the previous run's
        env.put("SUITE_FRESH", "true");
        // Maven's reactor packaged the services just before this module
        env.put("SUITE_BUILD", "never");
        env.put("SUITE_READY_TIMEOUT", "300");
        // two Synthea patients (generated once into the shared .suite/synthea cache): the whole generate-and-load path
        // runs, without the 100-patient population's minutes; seed 44's two include one with charted vital signs,
        // active medications and allergies, whom the loader links to demo-patient
        env.put("SUITE_POPULATION", "2");
        env.put("SUITE_POPULATION_SEED", "44");
        env.put("SMARTGUARD_AUTH_ACCESS_TOKEN_LIFETIME", ACCESS_TOKEN_LIFETIME);
        env.put("SMARTGUARD_AUTH_ADMIN_TOKEN", ADMIN_TOKEN);
        return env;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
