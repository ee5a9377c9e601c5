package org.smartguard.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stack for fault injection: like {@link E2eStack}, started with {@code ./suite up}, but with a PostgreSQL cluster,
 * a Redis and a Kafka broker of its own on ports of its own (17xxx), so the fault tests stop and kill them without
 * touching the infrastructure every other test shares. {@code ./suite stop|kill|start NAME} acts on one component of
 * this state directory only; {@link #close()} stops all of it (the PostgreSQL cluster stays created, stopped, for the
 * next run).
 */
final class FaultStack implements AutoCloseable {

    static final int GATEWAY_PORT = 17080;
    static final int AUTH_PORT = 17081;
    static final int FHIR_PORT = 17082;
    static final int AUDIT_PORT = 17083;
    static final int PG_PORT = 17432;
    static final int REDIS_PORT = 17379;
    static final int KAFKA_PORT = 17092;
    static final String DB_SUFFIX = "_faults";

    /** A component's stop or start: a service waits until it is ready, a drain until its requests complete. */
    private static final Duration COMPONENT_TIMEOUT = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final E2eStack stack;

    private FaultStack(E2eStack stack) {
        this.stack = stack;
    }

    static FaultStack up() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("GATEWAY_PORT", Integer.toString(GATEWAY_PORT));
        settings.put("AUTH_PORT", Integer.toString(AUTH_PORT));
        settings.put("FHIR_PORT", Integer.toString(FHIR_PORT));
        settings.put("AUDIT_PORT", Integer.toString(AUDIT_PORT));
        settings.put("DEMO_APP_PORT", "17090");
        settings.put("PG_PORT", Integer.toString(PG_PORT));
        settings.put("REDIS_PORT", Integer.toString(REDIS_PORT));
        settings.put("KAFKA_PORT", Integer.toString(KAFKA_PORT));
        settings.put("KAFKA_CONTROLLER_PORT", "17093");
        settings.put("KAFKA_HEAP", "256m");
        // a broker killed mid-write recovers its logs before it opens its port: slow on a busy machine
        settings.put("SUITE_KAFKA_TIMEOUT", "180");
        settings.put("SUITE_DB_SUFFIX", DB_SUFFIX);
        settings.put("SUITE_TOPIC_PREFIX", "faults.");
        settings.put("SUITE_FRESH", "true");
        settings.put("SUITE_BUILD", "never");
        settings.put("SUITE_READY_TIMEOUT", "300");
        // no Synthea population: the tests create the records they read
        settings.put("SUITE_POPULATION", "0");
        // the steady load reads one patient 50 times a second: far above the per-patient default of 100 a minute
        settings.put("SMARTGUARD_GATEWAY_RATELIMIT_DEFAULT_LIMIT", "1000000");
        return new FaultStack(E2eStack.up("fault-stack", settings));
    }

    E2eStack stack() {
        return stack;
    }

    /** Crashes a component: postgresql|redis|kafka|auth|fhir|audit|gateway. */
    void kill(String component) {
        stack.suite(COMPONENT_TIMEOUT, "kill", component);
    }

    /** Stops a component the way an orchestrator does (SIGTERM; PostgreSQL: fast shutdown). */
    void stop(String component) {
        stack.suite(COMPONENT_TIMEOUT, "stop", component);
    }

    /** Starts a component again; a service until it is ready. */
    void start(String component) {
        stack.suite(COMPONENT_TIMEOUT, "start", component);
    }

    /** The status of a service's readiness probe (200 ready, 503 not), or -1 if it does not answer. */
    static int readiness(String serviceUrl) {
        try {
            return health(serviceUrl + "/q/health/ready").statusCode();
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    /** A service's readiness document (its checks and their data), whatever its status. */
    static HttpResponse<String> health(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The request ids of the gateway's stored AuditEvents recorded since {@code sinceIso}, one entry per stored event
     * (a duplicate would appear twice), read from the audit-service's own database.
     */
    List<String> gatewayAuditRequestIds(String sinceIso) {
        String sql = """
                SELECT entity -> 'what' -> 'identifier' ->> 'value'
                  FROM audit_log.events, jsonb_array_elements(payload::jsonb -> 'entity') AS entity
                 WHERE recorded >= ?::timestamptz
                   AND payload::jsonb -> 'source' -> 'observer' ->> 'display' = 'gateway-service'
                   AND entity -> 'type' ->> 'code' = 'XrequestId'""";
        try (Connection db = database("audit"); PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, sinceIso);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the fault stack's audit store", e);
        }
    }

    /** A connection to one of the stack's databases (auth, fhir, audit) as the services' owner role. */
    Connection database(String name) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PG_PORT + "/" + name + DB_SUFFIX, "smartguard",
                "smartguard");
    }

    @Override
    public void close() {
        stack.close();
    }
}
