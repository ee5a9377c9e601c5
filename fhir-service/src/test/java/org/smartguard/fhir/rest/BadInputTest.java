package org.smartguard.fhir.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smartguard.fhir.TestResources.FHIR_JSON;
import static org.smartguard.fhir.TestResources.create;
import static org.smartguard.fhir.TestResources.number;
import static org.smartguard.fhir.TestResources.observation;
import static org.smartguard.fhir.TestResources.patient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLDecoder;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/**
 * Hostile and broken input: each gets a 4xx with an OperationOutcome (never a 500), stores nothing, and leaves the
 * service answering. Unknown resource types are 404 (the type is not a resource this server has), like FHIR's
 * "unknown resource type" in HAPI and the spec's examples.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class BadInputTest {

    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");
    private static final int FIFTY_MB = 50 * 1024 * 1024;

    @Inject
    DataSource database;

    private long storedResources() {
        return number(database, "SELECT count(*) FROM resource") + number(database, "SELECT count(*) FROM resource_history");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "{\"resourceType\":\"Patient\"", "[]", "\"Patient\"", "{}", "{\"resourceType\":\"Patient\",,}",
            "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"a\\u0000b\"}]}", "{\"resourceType\":\"Patient\",\"active\":\"yes\"}",
            "{\"resourceType\":\"Patient\",\"name\":{\"family\":\"not an array\"}}"})
    void malformedJsonIs400AndStoresNothing(String body) {
        long before = storedResources();
        given().auth().oauth2(ADMIN).contentType(FHIR_JSON).body(body).when().post("/fhir/Patient")
                .then().statusCode(400).body("resourceType", is("OperationOutcome")).body("issue[0].severity", is("error"));
        given().auth().oauth2(ADMIN).contentType(FHIR_JSON).body(body).when().put("/fhir/Patient/malformed-" + UUID.randomUUID())
                .then().statusCode(400).body("resourceType", is("OperationOutcome"));
        given().auth().oauth2(ADMIN).contentType(FHIR_JSON).body(body).when().post("/fhir")
                .then().statusCode(400).body("resourceType", is("OperationOutcome"));
        assertEquals(before, storedResources());
    }

    @Test
    void aFiftyMegabyteBodyIs413AndStoresNothing() throws Exception {
        long before = storedResources();
        assertTrue(postHugePatient(false).startsWith("HTTP/1.1 413"), "declared with Content-Length");
        assertTrue(postHugePatient(true).startsWith("HTTP/1.1 413"), "streamed in chunks without a declared length");
        assertEquals(before, storedResources());
        given().auth().oauth2(ADMIN).when().get("/fhir/Patient?_count=1").then().statusCode(200);
    }

    /**
     * Streams a 50 MB patient from a fixed 64 KB buffer over a plain socket, reading the answer concurrently: the
     * server may answer and close before the body is sent, which breaks the write but not the answer.
     *
     * @return the answer's status line
     */
    private static String postHugePatient(boolean chunked) throws Exception {
        byte[] prefix = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] suffix = "\"}]}".getBytes(StandardCharsets.US_ASCII);
        byte[] filler = new byte[64 * 1024];
        Arrays.fill(filler, (byte) 'a');
        int fillers = (FIFTY_MB - prefix.length - suffix.length) / filler.length;
        long length = prefix.length + (long) fillers * filler.length + suffix.length;
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(60_000);
            InputStream in = socket.getInputStream();
            CompletableFuture<String> statusLine = CompletableFuture.supplyAsync(() -> readLine(in));
            OutputStream out = socket.getOutputStream();
            try {
                out.write(("POST /fhir/Patient HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ADMIN
                        + "\r\nContent-Type: application/fhir+json\r\n"
                        + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + length + "\r\n") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                writeBody(out, prefix, chunked);
                for (int i = 0; i < fillers && !statusLine.isDone(); i++) {
                    writeBody(out, filler, chunked);
                }
                writeBody(out, suffix, chunked);
                if (chunked) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException closedByTheServer) {
                // expected once the server has refused the body: its answer is still read below
            }
            return statusLine.get(60, TimeUnit.SECONDS);
        }
    }

    private static void writeBody(OutputStream out, byte[] bytes, boolean chunked) throws IOException {
        if (chunked) {
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.write(bytes);
        if (chunked) {
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static String readLine(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                line.write(b);
            }
        } catch (IOException e) {
            return "no answer: " + e;
        }
        return line.toString(StandardCharsets.US_ASCII).trim();
    }

    /** One search parameter of each index type, with modifiers, and the resource type it belongs to. */
    private static final List<String[]> PARAMETERS = List.of(
            new String[] {"Patient", "name"}, new String[] {"Patient", "name:exact"}, new String[] {"Patient", "name:contains"},
            new String[] {"Observation", "code"}, new String[] {"Patient", "identifier"}, new String[] {"Observation", "code:text"},
            new String[] {"Patient", "birthdate"}, new String[] {"Observation", "subject"}, new String[] {"Observation", "subject:Patient"},
            new String[] {"Observation", "value-quantity"}, new String[] {"RiskAssessment", "probability"},
            new String[] {"ValueSet", "url"}, new String[] {"Patient", "_id"}, new String[] {"Patient", "_lastUpdated"});
    private static final List<String> METACHARACTERS = List.of("' OR 1=1 --", "\"; DROP TABLE resource; --", "%", "_", "\\",
            "%' OR '1'='1", "x') OR ('1'='1", "1; DELETE FROM resource", "Patient/' OR 1=1 --", "a\u0000b", "gt%", "|%", "%|%");

    /** A patient and its observation that a metacharacter must not find (made once). */
    private static String canary;

    static Stream<Arguments> metacharacterSearches() {
        return PARAMETERS.stream().flatMap(param -> METACHARACTERS.stream().map(value -> Arguments.of(param[0], param[1], value)));
    }

    @ParameterizedTest(name = "{0}?{1}={2}")
    @MethodSource("metacharacterSearches")
    void sqlMetacharactersInAnySearchParameterFindNothingOrAre400(String type, String parameter, String value) {
        if (canary == null) {
            canary = create(ADMIN, "Patient", patient("Canary"));
            create(ADMIN, "Observation", observation(canary, "vital-signs"));
        }
        long before = storedResources();
        JsonPath answer = given().auth().oauth2(ADMIN).queryParam(parameter, value).when().get("/fhir/" + type)
                .then().statusCode(anyOf(is(200), is(400))).extract().jsonPath();
        if (answer.getString("resourceType").equals("Bundle")) {
            assertEquals(0, answer.getList("entry").size(), "a metacharacter matched something");
        } else {
            assertEquals("OperationOutcome", answer.getString("resourceType"));
        }
        given().auth().oauth2(ADMIN).contentType("application/x-www-form-urlencoded").formParam(parameter, value)
                .when().post("/fhir/" + type + "/_search").then().statusCode(anyOf(is(200), is(400)));
        assertEquals(before, storedResources(), "the tables are intact");
        given().auth().oauth2(ADMIN).when().get("/fhir/Patient/" + canary).then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"name' OR 1=1 --", "name;DROP TABLE resource", "name:exact' --", "_id%00"})
    void metacharactersInParameterNamesAre400(String name) {
        given().auth().oauth2(ADMIN).queryParam(URLDecoder.decode(name, StandardCharsets.UTF_8), "x").when().get("/fhir/Patient")
                .then().statusCode(400).body("resourceType", is("OperationOutcome"));
    }

    @Test
    void anUnknownResourceTypeIs404WithAnOperationOutcome() {
        for (String path : List.of("/fhir/Nonsense", "/fhir/Nonsense/1", "/fhir/Nonsense/1/_history", "/fhir/Nonsense/_history",
                "/fhir/Nonsense/1/_history/1")) {
            given().auth().oauth2(ADMIN).when().get(path)
                    .then().statusCode(404).body("issue[0].details.text", is("SG-FHIR-UNKNOWN-TYPE")).body("issue[0].code", is("not-supported"));
        }
        given().auth().oauth2(ADMIN).contentType(FHIR_JSON).body("{\"resourceType\":\"Nonsense\"}").when().post("/fhir/Nonsense")
                .then().statusCode(404).body("issue[0].details.text", is("SG-FHIR-UNKNOWN-TYPE"));
        given().auth().oauth2(ADMIN).when().get("/fhir/patient/1").then().statusCode(404).body("resourceType", is("OperationOutcome"));
        given().auth().oauth2(ADMIN).contentType(FHIR_JSON).body("{\"resourceType\":\"Nonsense\"}").when().post("/fhir/Patient")
                .then().statusCode(400).body("resourceType", is("OperationOutcome"));
    }

    /**
     * Written straight into the tables (1,001 resources through a transaction would take this shared machine longer
     * than the test client waits): paging needs only the resource rows and their versions.
     */
    private Instant storeBasics(int count) throws SQLException {
        Instant before = Instant.now().minusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO resource (pk, res_type, res_id, version, last_updated, deleted, json)"
                    + " SELECT nextval('resource_pk_seq'), 'Basic', '" + tag + "-' || g, 1, now(), false,"
                    + " '{\"resourceType\":\"Basic\",\"id\":\"" + tag + "-' || g || '\",\"code\":{\"text\":\"cap\"}}'"
                    + " FROM generate_series(1, " + count + ") g");
            statement.executeUpdate("INSERT INTO resource_history (res_pk, version, last_updated, deleted, method, json)"
                    + " SELECT pk, 1, last_updated, false, 'POST', json FROM resource WHERE res_type = 'Basic' AND res_id LIKE '" + tag + "-%'");
        }
        return before;
    }

    @Test
    void aHugeCountIsCappedAtTheMaximumAndTheNextLinkSaysSo() throws SQLException {
        Instant before = storeBasics(1001);
        JsonPath first = given().auth().oauth2(ADMIN).queryParam("_lastUpdated", "ge" + before).queryParam("_count", "100000")
                .when().get("/fhir/Basic").then().statusCode(200).extract().jsonPath();
        assertEquals(1000, first.getList("entry").size(), "capped at SearchService.MAX_COUNT");
        String next = first.getString("link.find { it.relation == 'next' }.url");
        assertTrue(next.contains("_count=1000"), next);
        JsonPath second = given().auth().oauth2(ADMIN).urlEncodingEnabled(false).when().get(next.substring(next.indexOf("/fhir/")))
                .then().statusCode(200).extract().jsonPath();
        assertEquals(1, second.getList("entry").size());

        JsonPath history = given().auth().oauth2(ADMIN).when().get("/fhir/Basic/_history?_count=2147483647&_since=" + before)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(1000, history.getList("entry").size());
        assertTrue(history.getString("link.find { it.relation == 'next' }.url").contains("_count=1000"));
    }

    static Stream<Arguments> deeplyNestedDocuments() {
        String arrays = "[".repeat(10_000) + "]".repeat(10_000);
        String objects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        return Stream.of(
                Arguments.of("POST", "/fhir/Patient", FHIR_JSON, "{\"resourceType\":\"Patient\",\"extension\":" + arrays + "}"),
                Arguments.of("POST", "/fhir/Patient", FHIR_JSON, "{\"resourceType\":\"Patient\",\"extension\":[" + objects + "]}"),
                Arguments.of("POST", "/fhir", FHIR_JSON, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":" + arrays + "}"),
                Arguments.of("PATCH", "/fhir/Patient/nested", "application/json-patch+json", arrays),
                Arguments.of("PATCH", "/fhir/Patient/nested", "application/json-patch+json",
                        "[{\"op\":\"add\",\"path\":\"/extension\",\"value\":" + objects + "}]"),
                Arguments.of("POST", "/fhir/Patient", "application/fhir+xml",
                        "<Patient xmlns=\"http://hl7.org/fhir\">" + "<extension url=\"urn:x\">".repeat(10_000)
                                + "</extension>".repeat(10_000) + "</Patient>"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("deeplyNestedDocuments")
    void aDeeplyNestedDocumentIs400AndTheServiceStillAnswers(String method, String path, String contentType, String body) {
        if (method.equals("PATCH")) {
            given().auth().oauth2(ADMIN).contentType(FHIR_JSON).body("{\"resourceType\":\"Patient\",\"id\":\"nested\"}")
                    .when().put("/fhir/Patient/nested").then().statusCode(anyOf(is(200), is(201)));
        }
        long before = storedResources();
        // as bytes: the test client would otherwise pretty-print the XML for its log, recursively
        given().auth().oauth2(ADMIN).contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8)).when().request(method, path)
                .then().statusCode(anyOf(is(400), is(422))).body("resourceType", is("OperationOutcome"));
        assertEquals(before, storedResources());
        given().auth().oauth2(ADMIN).when().get("/fhir/Patient?_count=1").then().statusCode(200);
    }

    @Test
    void nestingJustInsideTheParsersLimitsIsServedWithoutAServerError() {
        int levels = 490;
        String json = "{\"resourceType\":\"Patient\",\"extension\":[" + "{\"url\":\"urn:x\",\"extension\":[".repeat(levels)
                + "{\"url\":\"urn:x\",\"valueString\":\"deep\"}" + "]}".repeat(levels) + "]}";
        given().auth().oauth2(ADMIN).contentType(FHIR_JSON).body(json.getBytes(StandardCharsets.UTF_8)).when().post("/fhir/Patient")
                .then().statusCode(anyOf(is(201), is(400)));
        String xml = "<Patient xmlns=\"http://hl7.org/fhir\">" + "<extension url=\"urn:x\">".repeat(levels)
                + "<valueString value=\"deep\"/>" + "</extension>".repeat(levels) + "</Patient>";
        given().auth().oauth2(ADMIN).contentType("application/fhir+xml").body(xml.getBytes(StandardCharsets.UTF_8)).when().post("/fhir/Patient")
                .then().statusCode(anyOf(is(201), is(400)));
    }
}
