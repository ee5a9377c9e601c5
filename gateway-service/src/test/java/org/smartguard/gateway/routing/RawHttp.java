package org.smartguard.gateway.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends a request byte for byte, for paths an HTTP client library would normalize or refuse to send. */
final class RawHttp {

    private RawHttp() {
    }

    /** @return the response's status code */
    static int status(int port, String method, String rawTarget) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + rawTarget + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            String statusLine = response.substring(0, response.indexOf("\r\n"));
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }
}
