package org.smartguard.commons.audit.outbox;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Uuid;
import org.awaitility.Awaitility;

/**
 * A real, private Apache Kafka broker (one KRaft node) run as a child process from the jars that {@code ./suite}
 * resolves ({@code SUITE_KAFKA_LIB}), so a test can stop and restart it without disturbing the suite's broker.
 * Its data survives a restart, like a real broker's.
 */
final class KafkaBrokerProcess implements AutoCloseable {

    private final Path home;
    private final int port;
    private final Path log;
    private Process process;

    private KafkaBrokerProcess(Path home, int port) {
        this.home = home;
        this.port = port;
        this.log = home.resolve("broker.log");
    }

    static KafkaBrokerProcess format(Path home) throws IOException, InterruptedException {
        int port = freePort();
        int controllerPort = freePort();
        KafkaBrokerProcess broker = new KafkaBrokerProcess(home, port);
        Files.writeString(home.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "log.dirs=" + home.resolve("data"),
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0", ""));
        broker.runToEnd("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", home.resolve("server.properties").toString());
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    void start() throws IOException {
        process = java("kafka.Kafka", home.resolve("server.properties").toString()).start();
        Awaitility.await("Kafka broker on port " + port + " (log: " + log + ")")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Kafka broker exited; see " + log);
                    }
                    return accepts(port);
                });
    }

    /** A clean shutdown (SIGTERM), as an operator's restart would do. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !accepts(port));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void runToEnd(String mainClass, String... args) throws IOException, InterruptedException {
        Process tool = java(mainClass, args).start();
        if (!tool.waitFor(60, TimeUnit.SECONDS) || tool.exitValue() != 0) {
            throw new IllegalStateException(mainClass + " failed; see " + log);
        }
    }

    private ProcessBuilder java(String mainClass, String... args) {
        String lib = System.getenv("SUITE_KAFKA_LIB");
        if (lib == null || !Files.isDirectory(Path.of(lib))) {
            throw new IllegalStateException("SUITE_KAFKA_LIB must name the Kafka jars directory: run the tests with ./suite test");
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(javaBin, "-Xmx384m", "-cp", lib + "/*", mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
