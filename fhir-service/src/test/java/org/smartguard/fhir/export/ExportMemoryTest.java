package org.smartguard.fhir.export;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * A 100,000-resource export by a service whose heap is capped below the export's size (this class runs in a surefire
 * execution of its own with a small {@code -Xmx}, see the pom): it completes only if rows stream from the database
 * to the files and the files to the client without ever being held together. The rows are inserted by SQL for speed
 * (the export reads stored JSON; indexing is not what is tested here), about 3 KB each.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class ExportMemoryTest {

    private static final int RESOURCES = 100_000;
    private static final String PREFIX = "memory-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    /** Free text that makes each resource about 3 KB, varied so it is not one repeated string. */
    private static final String NOTE_SQL = "repeat(md5(g::text), 90)";

    @Inject
    DataSource database;

    @AfterEach
    void removeRows() throws SQLException {
        execute("DELETE FROM resource WHERE res_type = 'Observation' AND res_id LIKE 'memory-%'");
    }

    @Test
    void aHundredThousandResourcesLargerThanTheHeapStreamThrough() throws Exception {
        Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
        execute("INSERT INTO resource (pk, res_type, res_id, version, last_updated, deleted, json)"
                + " SELECT nextval('resource_pk_seq'), 'Observation', '" + PREFIX + "' || g, 1, now(), false,"
                + " '{\"resourceType\":\"Observation\",\"id\":\"" + PREFIX + "' || g || '\",\"status\":\"final\",\"code\":{\"text\":\"bulk\"},"
                + "\"note\":[{\"text\":\"' || " + NOTE_SQL + " || '\"}]}'"
                + " FROM generate_series(1, " + RESOURCES + ") g");
        String token = TestAuthority.token("system/Observation.rs", Map.of("client_id", PREFIX + "client", "sub", PREFIX + "client"));

        String status = given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async")
                .when().get("/fhir/$export?_type=Observation&_since=" + since).then().statusCode(202).extract().header("Content-Location");
        Response[] last = new Response[1];
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).until(() -> {
            last[0] = given().urlEncodingEnabled(false).auth().oauth2(token).when().get(path(status)).then().extract().response();
            assertTrue(last[0].statusCode() == 200 || last[0].statusCode() == 202, () -> "status " + last[0].statusCode() + " " + last[0].asString());
            return last[0].statusCode() == 200;
        });
        JsonPath manifest = last[0].jsonPath();

        long lines = 0;
        long bytes = 0;
        HttpClient http = HttpClient.newHttpClient();
        for (Map<String, Object> output : manifest.<Map<String, Object>>getList("output")) {
            HttpResponse<InputStream> file = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path((String) output.get("url"))))
                    .header("Authorization", "Bearer " + token).header("Accept", "application/fhir+ndjson").build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, file.statusCode());
            long inFile = 0;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(file.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    assertTrue(line.startsWith("{\"resourceType\":\"Observation\",\"id\":\"" + PREFIX));
                    bytes += line.length() + 1;
                    inFile++;
                }
            }
            assertEquals(((Number) output.get("count")).longValue(), inFile);
            lines += inFile;
        }
        assertEquals(RESOURCES, lines);
        assertEquals(List.of(), manifest.getList("error"));
        long heap = Runtime.getRuntime().maxMemory();
        assertTrue(bytes > heap, "the export (" + bytes / 1_000_000 + " MB) must not fit in the heap (" + heap / 1_000_000 + " MB)");
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }

    private static String path(String url) {
        return url.substring(url.indexOf("/fhir/"));
    }
}
