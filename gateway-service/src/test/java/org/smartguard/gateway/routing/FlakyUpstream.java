package org.smartguard.gateway.routing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An upstream on a plain server socket that misbehaves the way a restarting service does, at the byte level no
 * HTTP server library lets a test choose: a path containing {@code close-first} is closed without an answer byte
 * the first time it is requested and answered 200 the next time, one containing {@code close-always} every time;
 * one containing {@code partial} gets a status line,
 * headers promising 100 body bytes, 10 of them, then the connection closes; one containing {@code held} is answered
 * 200 once the test {@link #release releases} it (a request under way for as long as a test needs). Every connection
 * carries one exchange.
 */
final class FlakyUpstream implements AutoCloseable {

    /** Every request that reached this upstream, as "METHOD path", in order. */
    static final List<String> ATTEMPTS = new CopyOnWriteArrayList<>();
    private static final Map<String, CountDownLatch> HELD = new ConcurrentHashMap<>();

    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "flaky-upstream");
        thread.setDaemon(true);
        return thread;
    });

    FlakyUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        connections.execute(this::acceptAll);
    }

    int port() {
        return server.getLocalPort();
    }

    /** How many requests with this method and path reached the upstream. */
    static long attempts(String method, String path) {
        return ATTEMPTS.stream().filter((method + " " + path)::equals).count();
    }

    /** Lets the held request for this path be answered. */
    static void release(String path) {
        held(path).countDown();
    }

    private static CountDownLatch held(String path) {
        return HELD.computeIfAbsent(path, ignored -> new CountDownLatch(1));
    }

    /** Waits (at most a minute, a test that failed midway) until the test releases this path. */
    private static boolean released(String path) {
        try {
            return held(path).await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.execute(() -> exchange(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void exchange(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
            String method = requestLine[0];
            String path = requestLine[1];
            in.readNBytes(contentLength(head));
            long before = attempts(method, path);
            ATTEMPTS.add(method + " " + path);
            OutputStream out = socket.getOutputStream();
            if (path.contains("close-always") || path.contains("close-first") && before == 0) {
                return;
            }
            if (path.contains("partial")) {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"part\":1}")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return;
            }
            if (path.contains("held") && !released(path)) {
                return;
            }
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n"
                    + "{\"ok\":true}").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException gone) {
            // the gateway closed or reset its side: nothing to answer
        }
    }

    /** The request line and headers, or null when the connection closed first. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int read;
        while ((read = in.read()) >= 0) {
            head.write(read);
            matched = read == end[matched] ? matched + 1 : read == '\r' ? 1 : 0;
            if (matched == end.length) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.shutdownNow();
    }
}
