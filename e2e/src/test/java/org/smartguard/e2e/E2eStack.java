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
 * {@code ./suite down} for the same state directory, which stops only what this stack started.
 */
final class E2eStack implements AutoCloseable {

    static final int GATEWAY_PORT = 18080;
    static final int AUTH_PORT = 18081;
    static final int FHIR_PORT = 18082;
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

    private E2eStack(Path root, Path state) {
        this.root = root;
        this.state = state;
    }

    /** Starts the stack; if that fails, stops whatever part of it did start and fails with the script's output. */
    static E2eStack up() {
        Path root = Path.of(System.getProperty("e2e.root", "..")).toAbsolutePath().normalize();
        Path state = Path.of(System.getProperty("e2e.target", "target")).toAbsolutePath().resolve("e2e-stack");
        E2eStack stack = new E2eStack(root, state);
        try {
            stack.suite("up", UP_TIMEOUT);
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
        return "http://localhost:" + GATEWAY_PORT;
    }

    String appUrl() {
        return "http://localhost:" + DEMO_APP_PORT;
    }

    /** The auth-service on its own port, as operators reach its admin API from inside the perimeter. */
    String authServiceUrl() {
        return "http://localhost:" + AUTH_PORT;
    }

    /** The fhir-service on its own port: requests that bypass the gateway. */
    String fhirServiceUrl() {
        return "http://localhost:" + FHIR_PORT;
    }

    /** The Kafka broker the stack uses: ./suite's KAFKA_PORT, which the stack inherits from this process. */
    String kafkaBootstrap() {
        return "127.0.0.1:" + System.getenv().getOrDefault("KAFKA_PORT", "9092");
    }

    String topic(String name) {
        return TOPIC_PREFIX + name;
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

    @Override
    public void close() {
        suite("down", DOWN_TIMEOUT);
    }

    private void suite(String command, Duration timeout) {
        Path log = state.getParent().resolve("suite-" + command + ".log");
        try {
            Files.createDirectories(state);
            ProcessBuilder builder = new ProcessBuilder(List.of(root.resolve("suite").toString(), command))
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(environment());
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

    private Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SUITE_STATE_DIR", state.toString());
        env.put("GATEWAY_PORT", Integer.toString(GATEWAY_PORT));
        env.put("AUTH_PORT", Integer.toString(AUTH_PORT));
        env.put("FHIR_PORT", Integer.toString(FHIR_PORT));
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
