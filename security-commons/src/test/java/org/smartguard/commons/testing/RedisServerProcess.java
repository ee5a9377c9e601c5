package org.smartguard.commons.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * A private {@code redis-server} (no persistence, like production's) run as a child process on a free port, so a
 * test can kill it mid-test and start it again, empty, without touching the shared Redis on 6379.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private Process process;

    public RedisServerProcess() {
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server and waits (deadline 10 s) until it accepts connections. */
    public RedisServerProcess start() {
        try {
            process = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                    "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
        Awaitility.await("redis-server on port " + port).atMost(Duration.ofSeconds(10)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue());
            }
            return listens();
        });
        return this;
    }

    /** Kills the server (SIGKILL: an outage, not a shutdown) and waits until its port is closed. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Awaitility.await("redis-server on port " + port + " gone").atMost(Duration.ofSeconds(10)).until(() -> !listens());
        process = null;
    }

    public boolean listens() {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** For {@code quarkus.redis.hosts}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        kill();
    }
}
