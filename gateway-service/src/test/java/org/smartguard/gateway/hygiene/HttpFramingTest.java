package org.smartguard.gateway.hygiene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.smartguard.gateway.routing.RawHttp;
import org.smartguard.gateway.routing.UpstreamServers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Malformed and oversized requests over a raw socket; small limits so the tests stay fast. */
@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
@TestProfile(HttpFramingTest.SmallLimits.class)
class HttpFramingTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.http.limits.max-header-size", "4K",
                    "quarkus.http.limits.max-initial-line-length", "1024",
                    "quarkus.http.limits.max-body-size", "64K",
                    "quarkus.http.idle-timeout", "1s",
                    "smartguard.gateway.body-timeout", "2s");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String HEAD = "Host: localhost\r\nUser-Agent: raw-test\r\n";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    /**
     * Sends {@code raw} with a unique probe parameter on its target, so that a request of an earlier test that
     * reaches an upstream late cannot be mistaken for this one.
     */
    private void refusedAndClosed(int status, String raw) throws Exception {
        String probe = UUID.randomUUID().toString();
        int targetEnd = raw.indexOf(" HTTP/1.1");
        String target = raw.substring(raw.indexOf(' ') + 1, targetEnd);
        String probed = raw.substring(0, raw.indexOf(' ') + 1) + target + (target.contains("?") ? "&" : "?") + "probe=" + probe
                + raw.substring(targetEnd);
        RawHttp.Answer answer = RawHttp.exchange(port, probed, WAIT);
        assertEquals(status, answer.status(), answer.text());
        assertTrue(answer.closed(), "the connection is closed after " + status);
        assertTrue(UpstreamServers.RECEIVED.stream().noneMatch(received -> received.contains(probe)), "nothing reached a service");
    }

    @Test
    void aWellFormedRequestOnTheSameSocketIsServedAndKeptAlive() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(port, "GET /fhir/metadata HTTP/1.1\r\n" + HEAD + "\r\n", Duration.ofMillis(500));
        assertEquals(200, answer.status(), answer.text());
    }

    @Test
    void bothContentLengthAndTransferEncodingAre400() throws Exception {
        refusedAndClosed(400, "POST /fhir/metadata HTTP/1.1\r\n" + HEAD
                + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    }

    @Test
    void duplicateContentLengthIs400() throws Exception {
        refusedAndClosed(400, "POST /fhir/metadata HTTP/1.1\r\n" + HEAD + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello");
        refusedAndClosed(400, "POST /fhir/metadata HTTP/1.1\r\n" + HEAD + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    }

    @Test
    void obfuscatedTransferEncodingIs400() throws Exception {
        for (String encoding : List.of("xchunked", "chunked, identity", "identity", "chunked\u000b")) {
            refusedAndClosed(400, "POST /fhir/metadata HTTP/1.1\r\n" + HEAD + "Transfer-Encoding: " + encoding + "\r\n\r\n0\r\n\r\n");
        }
    }

    @Test
    void controlCharactersInAHeaderValueAre400() throws Exception {
        refusedAndClosed(400, "GET /fhir/metadata HTTP/1.1\r\n" + HEAD + "X-Note: a\u0000b\r\n\r\n");
        refusedAndClosed(400, "GET /fhir/metadata HTTP/1.1\r\n" + HEAD + "X-Note: a\rb\r\n\r\n");
        refusedAndClosed(400, "GET /fhir/metadata HTTP/1.1\r\n" + HEAD + "X-Note: a\nInjected: b\r\n\r\n");
    }

    @Test
    void aTooLargeHeaderBlockIs431() throws Exception {
        refusedAndClosed(431, "GET /fhir/metadata HTTP/1.1\r\n" + HEAD + "X-Big: " + "a".repeat(5000) + "\r\n\r\n");
    }

    @Test
    void aTooLongRequestLineIs414() throws Exception {
        refusedAndClosed(414, "GET /fhir/metadata?q=" + "a".repeat(2000) + " HTTP/1.1\r\n" + HEAD + "\r\n");
    }

    @Test
    void aTooLargeBodyIs413() throws Exception {
        refusedAndClosed(413, "POST /fhir/Bundle HTTP/1.1\r\n" + HEAD + "Content-Length: 70000\r\n\r\n" + "a".repeat(1000));
    }

    @Test
    void aChunkedBodyGrowingPastTheLimitIs413AndTheServiceNeverGetsItWhole() throws Exception {
        String chunk = "a".repeat(16 * 1024);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            body.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        body.append("0\r\n\r\n");
        String uri = "/fhir/metadata?upload=" + UUID.randomUUID();
        RawHttp.Answer answer = RawHttp.exchange(port, "POST " + uri + " HTTP/1.1\r\n" + HEAD + "Transfer-Encoding: chunked\r\n\r\n" + body, WAIT);
        assertEquals(413, answer.status(), answer.text());
        assertTrue(answer.closed());
        assertFalse(UpstreamServers.COMPLETE_BODIES.contains("fhir POST " + uri), "the service never saw the body end");
    }

    @Test
    void aChunkedBodyUnderTheLimitIsStreamedThrough() throws Exception {
        String chunk = "a".repeat(1000);
        RawHttp.Answer answer = RawHttp.exchange(port, "POST /fhir/metadata HTTP/1.1\r\n" + HEAD + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n", WAIT);
        assertEquals(200, answer.status(), answer.text());
        assertTrue(answer.text().contains("\"bodyBytes\":1000"), answer.text());
    }

    @Test
    void aClientThatStopsSendingIsCutOff() throws Exception {
        String probe = UUID.randomUUID().toString();
        RawHttp.Answer answer = RawHttp.exchange(port, "GET /fhir/metadata?probe=" + probe + " HTTP/1.1\r\n" + HEAD, WAIT);
        assertTrue(answer.closed(), "an unfinished request is cut off after the idle timeout");
        assertTrue(UpstreamServers.RECEIVED.stream().noneMatch(received -> received.contains(probe)), "nothing reached a service");
    }

    @Test
    void aClientThatTricklesItsBodyGets408AndTheServiceNeverGetsItWhole() throws Exception {
        String uri = "/fhir/metadata?trickle=" + UUID.randomUUID();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            // each byte comes well within the idle timeout (1 s), so only the body timeout (2 s) can stop this client
            socket.setSoTimeout(300);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri + " HTTP/1.1\r\n" + HEAD + "Content-Length: 1000\r\n\r\naaaaaaaaaa").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            boolean closed = false;
            while (!closed && System.nanoTime() < deadline) {
                try {
                    int read = in.read();
                    if (read < 0) {
                        closed = true;
                    } else {
                        received.write(read);
                    }
                } catch (SocketTimeoutException nothingYet) {
                    try {
                        out.write('a');
                    } catch (IOException refused) {
                        closed = true;
                    }
                } catch (IOException reset) {
                    closed = true;
                }
            }
            String text = received.toString(StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 408"), text);
            assertTrue(text.contains("SG-GW-408-SLOW-BODY"), text);
            assertTrue(closed, "the connection is closed after 408");
        }
        assertFalse(UpstreamServers.COMPLETE_BODIES.contains("fhir POST " + uri), "the service never saw the body end");
    }
}
