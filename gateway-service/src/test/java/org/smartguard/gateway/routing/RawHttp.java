package org.smartguard.gateway.routing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Sends a request byte for byte, for paths and framing an HTTP client library would normalize or refuse to send. */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * What came back: the status (0 when the server closed without answering) and whether the server closed the
     * connection within the wait.
     */
    public record Answer(int status, boolean closed, String text) {
    }

    /** A connection kept open across exchanges, read one response at a time (by Content-Length or chunks). */
    public static final class KeepAlive implements AutoCloseable {

        private final Socket socket;
        private final InputStream in;

        public KeepAlive(int port, Duration wait) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) wait.toMillis());
            in = socket.getInputStream();
        }

        public void send(String raw) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** The next response, head and body; status 0 when the server closed the connection first. */
        public Answer read() throws IOException {
            String head = line();
            if (head == null) {
                return new Answer(0, true, "");
            }
            StringBuilder text = new StringBuilder(head).append("\r\n");
            int length = 0;
            boolean chunked = false;
            for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                text.append(header).append("\r\n");
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring("content-length:".length()).trim());
                }
                chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            }
            text.append("\r\n");
            if (chunked) {
                for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                    text.append(new String(in.readNBytes(size), StandardCharsets.ISO_8859_1));
                    line();
                }
                line();
            } else {
                text.append(new String(in.readNBytes(length), StandardCharsets.ISO_8859_1));
            }
            return new Answer(Integer.parseInt(head.substring(9, 12)), false, text.toString());
        }

        /** Whether the server closed (or reset) the connection, rather than leave it open for the wait. */
        public boolean closedByServer() throws IOException {
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }

        /** One line without its CRLF, or null at the end of the stream. */
        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int read;
            while ((read = in.read()) >= 0) {
                if (read == '\n') {
                    String text = line.toString(StandardCharsets.ISO_8859_1);
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                }
                line.write(read);
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** @return the response's status code */
    public static int status(int port, String method, String rawTarget) throws IOException {
        return exchange(port, method + " " + rawTarget + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(10)).status();
    }

    /**
     * Sends {@code raw} as is (ISO-8859-1) on a keep-alive connection and reads until the server closes it or
     * {@code wait} passes without a byte.
     */
    public static Answer exchange(int port, String raw, Duration wait) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) wait.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            boolean closed;
            byte[] buffer = new byte[8192];
            try {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    received.write(buffer, 0, read);
                }
                closed = true;
            } catch (SocketTimeoutException stillOpen) {
                closed = false;
            } catch (IOException reset) {
                closed = true;
            }
            String text = received.toString(StandardCharsets.ISO_8859_1);
            int status = text.startsWith("HTTP/1.") ? Integer.parseInt(text.substring(9, 12)) : 0;
            return new Answer(status, closed, text);
        }
    }
}
