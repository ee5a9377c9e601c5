package org.smartguard.gateway.routing;

import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.smartguard.gateway.patient.PatientOfRequest;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;

/**
 * Which headers cross the proxy. Hop-by-hop headers (RFC 9110 §7.6.1, and any a {@code Connection} header names)
 * stop here in both directions. Headers that upstreams trust because only the gateway sets them (forwarding
 * information, the patient hint) are removed from what the client sent and then set by the gateway.
 */
final class ForwardedHeaders {

    static final String REQUEST_ID = "X-Request-Id";
    /** The client's patient hint ({@link PatientOfRequest#PATIENT_CONTEXT}) goes on under the name only the gateway sets. */
    private static final String FHIR_PATIENT = "X-FHIR-Patient";
    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection");
    /** Set only by the gateway; a client-sent value would be a forgery. */
    private static final Set<String> GATEWAY_OWNED = Set.of("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
            "x-forwarded-port", "x-forwarded-prefix", "forwarded", "x-real-ip", "x-fhir-patient", "x-request-id",
            "x-patient-context");

    private ForwardedHeaders() {
    }

    /** The headers to send upstream for {@code request}, whose client and scheme are as ClientAddresses found them. */
    static MultiMap upstreamRequest(HttpServerRequest request, String requestId, Upstream upstream, String client, String proto) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        Set<String> named = connectionNamed(request.headers());
        request.headers().forEach(header -> {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !GATEWAY_OWNED.contains(name) && !named.contains(name) && !name.equals("host")) {
                out.add(header.getKey(), header.getValue());
            }
        });
        String host = request.authority() == null ? upstream.host() : request.authority().toString();
        out.set("Host", upstream.host() + ":" + upstream.port());
        out.set("X-Forwarded-For", client);
        out.set("X-Forwarded-Proto", proto);
        out.set("X-Forwarded-Host", host);
        out.set("Forwarded", "for=" + quoted(client) + ";proto=" + proto + ";host=" + quoted(host));
        out.set(REQUEST_ID, requestId);
        String patientContext = request.getHeader(PatientOfRequest.PATIENT_CONTEXT);
        if (patientContext != null) {
            out.set(FHIR_PATIENT, patientContext);
        }
        return out;
    }

    /**
     * Copies an upstream response's end-to-end headers. The gateway owns CORS: an {@code Access-Control-*} header it
     * already set replaces the service's (two Allow-Origin values would make browsers refuse the response).
     */
    static void copyResponse(MultiMap from, MultiMap to) {
        Set<String> named = connectionNamed(from);
        from.forEach(header -> {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            boolean gatewaySet = name.startsWith("access-control-") && to.contains(name);
            if (!HOP_BY_HOP.contains(name) && !named.contains(name) && !gatewaySet) {
                to.add(header.getKey(), header.getValue());
            }
        });
    }

    /** The client's request id when it is a harmless token, else a new one. */
    static String requestId(HttpServerRequest request) {
        String sent = request.getHeader(REQUEST_ID);
        return sent != null && SAFE_REQUEST_ID.matcher(sent).matches() ? sent : newRequestId();
    }

    /**
     * A random (version 4) UUID from the event loop's own generator: a request id correlates log lines and audit
     * events, it guards nothing, so it needs to be unique, not unpredictable. UUID.randomUUID() took every request
     * through the shared SecureRandom's lock, a read of /dev/urandom and a SHA-1.
     */
    static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private static Set<String> connectionNamed(MultiMap headers) {
        String connection = headers.get("Connection");
        if (connection == null) {
            return Set.of();
        }
        return Set.of(connection.toLowerCase(Locale.ROOT).replace(" ", "").split(","));
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
