package org.smartguard.auth.authorize;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A stand-in for the fhir-service's patient search, as the practitioner's patient picker calls it: two patients
 * whose names start with "Love", and every Authorization header it received (to check the picker's own token).
 */
public class FhirPatientsStub implements QuarkusTestResourceLifecycleManager {

    public static final List<String> AUTHORIZATIONS = new CopyOnWriteArrayList<>();
    private static final String ADA = "{\"resourceType\":\"Patient\",\"id\":\"picked-123\",\"name\":[{\"family\":\"Lovelace\",\"given\":[\"Ada\"]}],\"birthDate\":\"1815-12-10\"}";
    private static final String BYRON = "{\"resourceType\":\"Patient\",\"id\":\"picked-456\",\"name\":[{\"family\":\"Lovelace\",\"given\":[\"Byron\"]}]}";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/fhir/Patient", this::answer);
        server.start();
        return Map.of("smartguard.auth.fhir-internal-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir");
    }

    private void answer(HttpExchange exchange) throws IOException {
        AUTHORIZATIONS.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        String path = exchange.getRequestURI().getPath();
        String query = String.valueOf(exchange.getRequestURI().getQuery());
        String body;
        int status = 200;
        if (path.equals("/fhir/Patient")) {
            body = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
                    + (query.toLowerCase().startsWith("name=love") ? "{\"resource\":" + ADA + "},{\"resource\":" + BYRON + "}" : "") + "]}";
        } else if (path.equals("/fhir/Patient/picked-123")) {
            body = ADA;
        } else {
            status = 404;
            body = "{\"resourceType\":\"OperationOutcome\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void stop() {
        server.stop(0);
    }
}
