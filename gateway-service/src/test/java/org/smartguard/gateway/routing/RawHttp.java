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
