package org.smartguard.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs one scenario of {@code src/test/js/demo-app-journey.mjs} with Node (playwright-core driving Debian's
 * Chromium) and returns the JSON it prints: what the app showed, what the FHIR server holds, what the browser sent.
 * {@code ./suite test} installs the npm packages (npm ci) and Chromium first.
 */
final class BrowserJourney {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private BrowserJourney() {
    }

    static JsonNode run(E2eStack stack, String scenario) {
        Path e2e = stack.root().resolve("e2e");
        if (!Files.isDirectory(e2e.resolve("node_modules/playwright-core"))) {
            fail("e2e/node_modules is missing: run the tests with ./suite test, which runs npm ci, or npm ci in e2e/");
        }
        Path chromium = Path.of(System.getenv().getOrDefault("SUITE_CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(chromium)) {
            fail(chromium + " is missing: ./suite test installs Debian's chromium, or apt-get install chromium");
        }
        Path output = stack.artifacts().resolve(scenario + ".json");
        Path errors = stack.artifacts().resolve(scenario + ".stderr.log");
        try {
            Files.createDirectories(stack.artifacts());
            ProcessBuilder builder = new ProcessBuilder(List.of("node", "src/test/js/demo-app-journey.mjs", scenario))
                    .directory(e2e.toFile())
                    .redirectOutput(output.toFile())
                    .redirectError(errors.toFile());
            builder.environment().put("E2E_APP_URL", stack.appUrl());
            builder.environment().put("E2E_GATEWAY_URL", stack.gatewayUrl());
            builder.environment().put("E2E_BACKEND_KEY_FILE", stack.backendKeyFile().toString());
            builder.environment().put("E2E_CHROMIUM", chromium.toString());
            builder.environment().put("E2E_ARTIFACTS_DIR", stack.artifacts().toString());
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("the " + scenario + " journey did not finish within " + TIMEOUT + "; see " + errors);
            }
            List<String> lines = Files.readAllLines(output);
            JsonNode result = lines.isEmpty() ? null : JSON.readTree(lines.get(lines.size() - 1));
            if (process.exitValue() != 0 || result == null || !result.path("ok").asBoolean()) {
                fail("the " + scenario + " journey failed (exit " + process.exitValue() + "): "
                        + (result == null ? "no result" : result.path("error").asText()) + "\nstderr: " + Files.readString(errors));
            }
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the " + scenario + " journey with node", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
