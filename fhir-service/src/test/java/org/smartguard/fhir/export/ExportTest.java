package org.smartguard.fhir.export;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smartguard.fhir.TestResources.CATEGORIES;
import static org.smartguard.fhir.TestResources.FHIR_JSON;
import static org.smartguard.fhir.TestResources.create;
import static org.smartguard.fhir.TestResources.number;
import static org.smartguard.fhir.TestResources.observation;
import static org.smartguard.fhir.TestResources.patient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.testing.AuditTopic;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Bulk Data {@code $export} against a seeded population (three patients with vital-sign and laboratory
 * observations and a condition each, a Group of two of them, a practitioner): what the NDJSON files hold equals what
 * searches with the same token, types and {@code _since} return; every refusal; status, download and cancel only
 * for the client that started the job; jobs resumed after their replica stopped; the audit trail. The population is
 * made once for the class; each export runs as a client of its own, so the in-flight limit never couples tests.
 * Paths are sent as written ({@code $} unencoded, as clients and the gateway's path guard have it).
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class ExportTest {

    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");
    private static final String NDJSON = "application/fhir+ndjson";
    /** Client ids are this run's own: job rows outlive a test run in the test database. */
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private static Instant start;
    private static String ann;
    private static String bob;
    private static String cyd;
    private static String group;

    @Inject
    DataSource database;

    @ConfigProperty(name = "smartguard.audit.topic")
    String auditTopic;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @BeforeEach
    void population() {
        if (start != null) {
            return;
        }
        start = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
        ann = create(ADMIN, "Patient", patient("Ann"));
        bob = create(ADMIN, "Patient", patient("Bob"));
        cyd = create(ADMIN, "Patient", patient("Cyd"));
        for (String patient : List.of(ann, bob, cyd)) {
            create(ADMIN, "Observation", observation(patient, "vital-signs"));
            create(ADMIN, "Observation", observation(patient, "laboratory"));
            create(ADMIN, "Condition", "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/" + patient + "\"}}");
        }
        create(ADMIN, "Practitioner", "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Exporter\"}]}");
        group = create(ADMIN, "Group", "{\"resourceType\":\"Group\",\"type\":\"person\",\"actual\":true,\"member\":["
                + "{\"entity\":{\"reference\":\"Patient/" + ann + "\"}},{\"entity\":{\"reference\":\"Patient/" + bob + "\"}},"
                + "{\"entity\":{\"reference\":\"Patient/" + cyd + "\"},\"inactive\":true}]}");
    }

    // ---------------------------------------------------------------- what is exported

    @Test
    void groupExportHoldsExactlyItsActiveMembersCompartmentsAsTheirSearchesDo() {
        String token = client("group-exporter", "system/*.rs");
        JsonPath manifest = exportAndWait(token, "/fhir/Group/" + group + "/$export");

        assertEquals("http://localhost:8080/fhir/Group/" + group + "/$export", manifest.getString("request"));
        assertEquals(Boolean.TRUE, manifest.getBoolean("requiresAccessToken"));
        assertNotNull(Instant.parse(manifest.getString("transactionTime")));
        assertEquals(List.of(), manifest.getList("error"));
        for (Map<String, Object> output : manifest.<Map<String, Object>>getList("output")) {
            assertTrue(((String) output.get("url")).startsWith("http://localhost:8080/fhir/$export-file/"), "absolute URL under the FHIR base");
        }
        Map<String, Set<String>> exported = exported(token, manifest);
        assertEquals(Set.of(ann, bob), exported.get("Patient"), "the Patients are the active members");
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String member : List.of(ann, bob)) {
            everything(token, member).forEach((type, ids) -> expected.computeIfAbsent(type, t -> new HashSet<>()).addAll(ids));
        }
        // the Group is in its members' compartments too
        expected.computeIfAbsent("Group", t -> new HashSet<>()).add(group);
        assertEquals(expected, exported);
        assertEquals(counts(manifest), sizes(exported), "each output entry's count is its file's lines");
    }

    @Test
    void patientExportByPostNarrowsToTheNamedPatientAndTypes() {
        String token = client("patient-exporter", "system/*.rs");
        String parameters = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"_type\",\"valueString\":\"Observation,Condition\"},"
                + "{\"name\":\"patient\",\"valueReference\":{\"reference\":\"Patient/" + cyd + "\"}},"
                + "{\"name\":\"_outputFormat\",\"valueString\":\"application/fhir+ndjson\"}]}";
        String status = given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async").contentType(FHIR_JSON).body(parameters)
                .when().post("/fhir/Patient/$export").then().statusCode(202).extract().header("Content-Location");
        JsonPath manifest = awaitManifest(token, status);

        assertEquals("http://localhost:8080/fhir/Patient/$export", manifest.getString("request"), "a POST's parameters are in its body");
        assertEquals(Map.of("Observation", ids(search(token, "Observation?subject=Patient/" + cyd)),
                "Condition", ids(search(token, "Condition?subject=Patient/" + cyd))), exported(token, manifest));
    }

    @Test
    void systemExportEqualsTheSearchesOfTheSameTypesAndSince() {
        String token = client("system-exporter", "system/*.rs");
        JsonPath manifest = exportAndWait(token, "/fhir/$export?_type=Observation,Condition,Practitioner&_since=" + start);

        assertEquals(Map.of("Observation", ids(search(token, "Observation?_lastUpdated=gt" + start)),
                "Condition", ids(search(token, "Condition?_lastUpdated=gt" + start)),
                "Practitioner", ids(search(token, "Practitioner?_lastUpdated=gt" + start))), exported(token, manifest));
    }

    @Test
    void sinceLeavesOutWhatDidNotChangeAfterIt() {
        String token = client("since-exporter", "system/*.rs");
        Instant later = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String fresh = create(ADMIN, "Observation", observation(ann, "vital-signs"));

        JsonPath manifest = exportAndWait(token, "/fhir/$export?_type=Observation,Patient&_since=" + later);
        assertEquals(Map.of("Observation", Set.of(fresh)), exported(token, manifest));
    }

    @Test
    void typeFilterIsASearchOfItsType() {
        String token = client("filter-exporter", "system/*.rs");
        JsonPath manifest = exportAndWait(token, "/fhir/$export?_type=Observation&_since=" + start
                + "&_typeFilter=Observation%3Fcategory%3D" + CATEGORIES + "%7Cvital-signs");
        Set<String> vitals = ids(search(token, "Observation?category=" + CATEGORIES + "%7Cvital-signs&_lastUpdated=gt" + start));
        assertFalse(vitals.isEmpty());
        assertEquals(Map.of("Observation", vitals), exported(token, manifest));

        given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async")
                .when().get("/fhir/$export?_typeFilter=Observation%3Fnot-a-parameter%3Dx")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-SEARCH-UNKNOWN"));
    }

    @Test
    void anObservationTokenExportsOnlyObservationsAndAGranularOneOnlyItsCategory() {
        String observations = client("observation-exporter", "system/Observation.rs");
        JsonPath manifest = exportAndWait(observations, "/fhir/$export?_since=" + start);
        assertEquals(Map.of("Observation", ids(search(ADMIN, "Observation?_lastUpdated=gt" + start))), exported(observations, manifest));

        String labOnly = client("lab-exporter", "system/Observation.rs?category=" + CATEGORIES + "|laboratory");
        JsonPath labManifest = exportAndWait(labOnly, "/fhir/$export?_since=" + start);
        Set<String> labs = ids(search(labOnly, "Observation?_lastUpdated=gt" + start));
        assertEquals(3, labs.size());
        assertEquals(Map.of("Observation", labs), exported(labOnly, labManifest), "the v2 query restriction applies as in search");
    }

    @Test
    void aSinceExportListsWhatWasDeletedAfterItAsDeleteBundles() {
        String token = client("deleted-exporter", "system/*.rs");
        Instant later = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String kept = create(ADMIN, "Observation", observation(ann, "vital-signs"));
        String removed = create(ADMIN, "Observation", observation(bob, "vital-signs"));
        given().auth().oauth2(ADMIN).when().delete("/fhir/Observation/" + removed).then().statusCode(204);

        JsonPath manifest = exportAndWait(token, "/fhir/$export?_type=Observation&_since=" + later);
        assertEquals(Map.of("Observation", Set.of(kept)), exported(token, manifest));
        List<Map<String, Object>> deleted = manifest.getList("deleted");
        assertEquals(1, deleted.size());
        assertEquals("Bundle", deleted.get(0).get("type"));
        assertEquals(1, deleted.get(0).get("count"));
        List<String> lines = download(token, (String) deleted.get(0).get("url"));
        assertEquals(1, lines.size());
        JsonPath bundle = JsonPath.from(lines.get(0));
        assertEquals("Bundle", bundle.getString("resourceType"));
        assertEquals("transaction", bundle.getString("type"));
        assertEquals("DELETE", bundle.getString("entry[0].request.method"));
        assertEquals("Observation/" + removed, bundle.getString("entry[0].request.url"));

        // only what the export would have held: not another patient's deletion, not without _since, not past a _typeFilter
        JsonPath annOnly = exportAndWait(client("deleted-patient-exporter", "system/*.rs"), "/fhir/Patient/$export?_type=Observation&patient=Patient%2F"
                + ann + "&_since=" + later);
        assertEquals(List.of(), annOnly.getList("deleted"));
        assertEquals(List.of(), exportAndWait(client("deleted-all-exporter", "system/Observation.rs"), "/fhir/$export").getList("deleted"));
        assertEquals(List.of(), exportAndWait(client("deleted-filter-exporter", "system/*.rs"), "/fhir/$export?_type=Observation&_since=" + later
                + "&_typeFilter=Observation%3Fcategory%3D" + CATEGORIES + "%7Cvital-signs").getList("deleted"));
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void kickOffRefusalsSayWhyAndQueueNothing() {
        String token = client("refused-exporter", "system/*.rs");
        long jobs = jobCount();
        given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async").when().get("/fhir/$export?_outputFormat=application/fhir+json")
                .then().statusCode(400).contentType(containsString("application/fhir+json")).body("issue[0].details.text", is("SG-FHIR-EXPORT-FORMAT"));
        given().urlEncodingEnabled(false).auth().oauth2(token).when().get("/fhir/$export")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-EXPORT-PREFER"));
        given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async").when().get("/fhir/$export?_type=Nonsense")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-EXPORT-TYPE"));
        given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async").when().get("/fhir/$export?_elements=id")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-EXPORT-PARAM"));
        given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async").when().get("/fhir/$export?_since=yesterday")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-EXPORT-SINCE"));
        given().urlEncodingEnabled(false).header("Prefer", "respond-async").when().get("/fhir/Group/" + group + "/$export")
                .then().statusCode(401).header("WWW-Authenticate", containsString("Bearer")).body("issue[0].details.text", is("SG-FHIR-401-NO-TOKEN"));
        given().urlEncodingEnabled(false).auth().oauth2(TestAuthority.patientToken(ann, "patient/*.rs")).header("Prefer", "respond-async").when().get("/fhir/Patient/$export")
                .then().statusCode(403).body("issue[0].details.text", is("SG-FHIR-403-SCOPE"));
        given().urlEncodingEnabled(false).auth().oauth2(TestAuthority.practitionerToken("doc", "user/*.rs")).header("Prefer", "respond-async").when().get("/fhir/$export")
                .then().statusCode(403).body("issue[0].details.text", is("SG-FHIR-403-SCOPE"));
        given().urlEncodingEnabled(false).auth().oauth2(client("refused-exporter", "system/Observation.rs")).header("Prefer", "respond-async")
                .when().get("/fhir/$export?_type=Observation,Patient")
                .then().statusCode(403).body("issue[0].details.text", is("SG-FHIR-403-SCOPE"));
        given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async").when().get("/fhir/Group/no-such-group/$export")
                .then().statusCode(404);
        assertEquals(jobs, jobCount(), "no refused kick-off queued a job");
    }

    @Test
    void everyNdjsonOutputFormatIsAcceptedAndLenientHandlingReportsWhatItLeftOut() {
        String token = client("format-exporter", "system/*.rs");
        for (String format : List.of("application/fhir%2Bndjson", "application/ndjson", "ndjson")) {
            String status = given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async")
                    .when().get("/fhir/$export?_type=Practitioner&_since=" + start + "&_outputFormat=" + format)
                    .then().statusCode(202).extract().header("Content-Location");
            given().urlEncodingEnabled(false).auth().oauth2(token).when().delete(path(status)).then().statusCode(202);
        }
        String status = given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async, handling=lenient")
                .when().get("/fhir/$export?_type=Practitioner,Nonsense&_since=" + start + "&_elements=id")
                .then().statusCode(202).extract().header("Content-Location");
        JsonPath manifest = awaitManifest(token, status);
        assertEquals(List.of("OperationOutcome"), manifest.getList("error.type"));
        List<String> notes = download(token, manifest.getString("error[0].url"));
        assertEquals(2, notes.size());
        assertTrue(notes.stream().anyMatch(note -> note.contains("Nonsense")) && notes.stream().anyMatch(note -> note.contains("_elements")));
        assertEquals(Set.of("Practitioner"), exported(token, manifest).keySet());
    }

    // ---------------------------------------------------------------- status, files, cancel

    @Test
    void anotherClientsJobDoesNotExistForIt() {
        String owner = client("owner-exporter", "system/*.rs");
        String status = kickOff(owner, "/fhir/$export?_type=Patient&_since=" + start);
        JsonPath manifest = awaitManifest(owner, status);
        String file = manifest.getString("output[0].url");

        String stranger = client("stranger-exporter", "system/*.rs");
        given().urlEncodingEnabled(false).auth().oauth2(stranger).when().get(path(status))
                .then().statusCode(404).contentType(containsString("application/fhir+json")).body("issue[0].details.text", is("SG-FHIR-EXPORT-404"));
        given().urlEncodingEnabled(false).auth().oauth2(stranger).when().get(path(file)).then().statusCode(404).body("issue[0].details.text", is("SG-FHIR-EXPORT-404"));
        given().urlEncodingEnabled(false).auth().oauth2(stranger).when().delete(path(status)).then().statusCode(404);
        given().urlEncodingEnabled(false).when().get(path(file)).then().statusCode(401);

        given().urlEncodingEnabled(false).auth().oauth2(owner).when().get(path(status)).then().statusCode(200);
        given().urlEncodingEnabled(false).auth().oauth2(owner).accept(NDJSON).when().get(path(file)).then().statusCode(200).contentType(containsString(NDJSON));
    }

    @Test
    void deleteCancelsAndTheJobIsGoneWithItsFiles() {
        String token = client("cancelling-exporter", "system/*.rs");
        String finished = kickOff(token, "/fhir/$export?_type=Patient&_since=" + start);
        JsonPath manifest = awaitManifest(token, finished);
        String file = manifest.getString("output[0].url");
        Path folder = Path.of("target/exports", jobId(finished));
        assertTrue(Files.isDirectory(folder));

        given().urlEncodingEnabled(false).auth().oauth2(token).when().delete(path(finished)).then().statusCode(202);
        given().urlEncodingEnabled(false).auth().oauth2(token).when().get(path(finished))
                .then().statusCode(404).body("resourceType", is("OperationOutcome")).body("issue[0].details.text", is("SG-FHIR-EXPORT-404"));
        given().urlEncodingEnabled(false).auth().oauth2(token).when().get(path(file)).then().statusCode(404);
        given().urlEncodingEnabled(false).auth().oauth2(token).when().delete(path(finished)).then().statusCode(404);
        assertFalse(Files.exists(folder), "a finished job's files go with it");

        String running = kickOff(token, "/fhir/$export");
        given().urlEncodingEnabled(false).auth().oauth2(token).when().delete(path(running)).then().statusCode(202);
        given().urlEncodingEnabled(false).auth().oauth2(token).when().get(path(running)).then().statusCode(404);
        await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(Path.of("target/exports", jobId(running))));
    }

    @Test
    void aClientOverItsInFlightLimitGets429UntilOneFinishes() {
        String token = client("busy-exporter", "system/*.rs");
        // two jobs "running" on another replica that is alive (its heartbeat is fresh), so they stay in flight
        UUID first = insertJob("busy-exporter", "in-progress", "now() + interval '1 hour'", "Patient");
        UUID second = insertJob("busy-exporter", "in-progress", "now() + interval '1 hour'", "Patient");
        long jobs = jobCount();

        given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async").when().get("/fhir/$export?_type=Patient")
                .then().statusCode(429).header("Retry-After", notNullValue()).body("issue[0].details.text", is("SG-FHIR-EXPORT-LIMIT"));
        assertEquals(jobs, jobCount());
        given().urlEncodingEnabled(false).auth().oauth2(client("idle-exporter", "system/*.rs")).header("Prefer", "respond-async")
                .when().get("/fhir/$export?_type=Patient&_since=" + start).then().statusCode(202);

        given().urlEncodingEnabled(false).auth().oauth2(token).when().delete("/fhir/$export-status/" + first).then().statusCode(202);
        String status = kickOff(token, "/fhir/$export?_type=Patient&_since=" + start);
        awaitManifest(token, status);
        given().urlEncodingEnabled(false).auth().oauth2(token).when().delete("/fhir/$export-status/" + second).then().statusCode(202);
    }

    @Test
    void aJobWhoseReplicaStoppedIsResumed() {
        String token = client("resumed-exporter", "system/*.rs");
        UUID orphan = insertJob("resumed-exporter", "in-progress", "now() - interval '1 hour'", "Patient");

        JsonPath manifest = awaitManifest(token, "http://localhost:8080/fhir/$export-status/" + orphan);
        assertEquals(Map.of("Patient", Set.of(ann, bob, cyd)), exported(token, manifest));
        assertEquals(2, number(database, "SELECT attempts FROM export_job WHERE id = '" + orphan + "'"), "taken over once");
    }

    @Test
    void anExpiredJobIsDeletedWithItsFiles() throws Exception {
        String token = client("expired-exporter", "system/*.rs");
        UUID expired = insertJob("expired-exporter", "in-progress", "now() + interval '1 hour'", "Patient");
        number(database, "WITH done AS (UPDATE export_job SET state = 'completed', transaction_time = now(), expires = now() - interval '1 second'"
                + " WHERE id = '" + expired + "' RETURNING 1) SELECT count(*) FROM done");
        Path folder = Files.createDirectories(Path.of("target/exports", expired.toString()));
        Files.writeString(folder.resolve("Patient-1.ndjson"), "{}\n");

        given().urlEncodingEnabled(false).auth().oauth2(token).when().get("/fhir/$export-status/" + expired).then().statusCode(404);
        await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(folder)
                && number(database, "SELECT count(*) FROM export_job WHERE id = '" + expired + "'") == 0);
    }

    @Test
    void aRunningJobAnswers202WithProgress() {
        String token = client("polling-exporter", "system/*.rs");
        UUID queued = insertJob("polling-exporter", "in-progress", "now() + interval '1 hour'", "Patient");
        given().urlEncodingEnabled(false).auth().oauth2(token).when().get("/fhir/$export-status/" + queued)
                .then().statusCode(202).header("X-Progress", containsString("in progress")).header("Retry-After", is("2"));
        given().urlEncodingEnabled(false).auth().oauth2(token).when().delete("/fhir/$export-status/" + queued).then().statusCode(202);
    }

    // ---------------------------------------------------------------- audit and discovery

    @Test
    void kickOffCompletionDownloadsAndCancelAreAudited() {
        String client = clientId("audited-exporter");
        String token = client("audited-exporter", "system/*.rs");
        String status = kickOff(token, "/fhir/Group/" + group + "/$export?_type=Patient,Observation");
        JsonPath manifest = awaitManifest(token, status);
        for (String url : manifest.<String>getList("output.url")) {
            download(token, url);
        }
        given().urlEncodingEnabled(false).auth().oauth2(token).when().delete(path(status)).then().statusCode(202);

        // kick-off 1, completion 1, Patient file: ann and bob, Observation file: ann and bob, cancel 1
        List<AuditEvent> events = AuditTopic.await(bootstrap, auditTopic, 7, record -> record.value().contains(client)).stream()
                .map(ConsumerRecord::value).map(new AuditEventCodec()::decode).toList();
        Map<String, Integer> bySubtype = new HashMap<>();
        events.forEach(event -> bySubtype.merge(event.getSubtypeFirstRep().getCode(), 1, Integer::sum));
        assertEquals(Map.of("bulk-export-kickoff", 1, "bulk-export-completed", 1, "bulk-export-download", 4, "bulk-export-cancel", 1), bySubtype);
        AuditEvent completed = events.stream().filter(e -> e.getSubtypeFirstRep().getCode().equals("bulk-export-completed")).findFirst().orElseThrow();
        int observations = counts(manifest).get("Observation");
        assertEquals(Map.of("Result-Count", Integer.toString(observations + 2), "Result-Count:Observation", Integer.toString(observations),
                "Result-Count:Patient", "2"), details(completed), "the export counts once, as one response, for the audit-service's bulk rules");
        Set<String> downloadedPatients = new HashSet<>();
        events.stream().filter(e -> e.getSubtypeFirstRep().getCode().equals("bulk-export-download")).forEach(download -> {
            assertFalse(details(download).containsKey("Result-Count"), "downloads are not counted twice");
            download.getEntity().stream().filter(entity -> "1".equals(entity.getRole().getCode()))
                    .forEach(entity -> downloadedPatients.add(entity.getWhat().getReferenceElement().getIdPart()));
        });
        assertEquals(Set.of(ann, bob), downloadedPatients, "one download event per patient whose data the file holds");
    }

    @Test
    void capabilityStatementDeclaresTheExportOperations() {
        JsonPath metadata = given().urlEncodingEnabled(false).when().get("/fhir/metadata").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"), metadata.getList("instantiates"));
        assertEquals("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export", metadata.getString("rest[0].operation.find { it.name == 'export' }.definition"));
        assertEquals("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export",
                metadata.getString("rest[0].resource.find { it.type == 'Group' }.operation.find { it.name == 'export' }.definition"));
        assertEquals("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export",
                metadata.getString("rest[0].resource.find { it.type == 'Patient' }.operation.find { it.name == 'export' }.definition"));
    }

    // ---------------------------------------------------------------- helpers

    /** A backend service's token for its own client id, of this run (jobs are per client). */
    static String client(String name, String scope) {
        return TestAuthority.token(scope, Map.of("client_id", clientId(name), "sub", clientId(name)));
    }

    static String clientId(String name) {
        return name + "-" + RUN;
    }

    static String kickOff(String token, String path) {
        return given().urlEncodingEnabled(false).auth().oauth2(token).header("Prefer", "respond-async").accept(FHIR_JSON)
                .when().get(path).then().statusCode(202).extract().header("Content-Location");
    }

    static JsonPath exportAndWait(String token, String path) {
        return awaitManifest(token, kickOff(token, path));
    }

    static JsonPath awaitManifest(String token, String statusUrl) {
        Response[] last = new Response[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = given().urlEncodingEnabled(false).auth().oauth2(token).when().get(path(statusUrl)).then().extract().response();
            assertTrue(last[0].statusCode() == 202 || last[0].statusCode() == 200, () -> "status " + last[0].statusCode() + ": " + last[0].asString());
            return last[0].statusCode() == 200;
        });
        assertTrue(last[0].contentType().startsWith("application/json"));
        return last[0].jsonPath();
    }

    static List<String> download(String token, String url) {
        String body = given().urlEncodingEnabled(false).auth().oauth2(token).accept(NDJSON).when().get(path(url))
                .then().statusCode(200).contentType(containsString(NDJSON)).extract().asString();
        return body.isEmpty() ? List.of() : List.of(body.split("\n"));
    }

    /** The ids in every output file, by the manifest entry's type (checked against each line's resourceType). */
    static Map<String, Set<String>> exported(String token, JsonPath manifest) {
        Map<String, Set<String>> ids = new TreeMap<>();
        for (Map<String, Object> output : manifest.<Map<String, Object>>getList("output")) {
            String type = (String) output.get("type");
            for (String line : download(token, (String) output.get("url"))) {
                JsonPath resource = JsonPath.from(line);
                assertEquals(type, resource.getString("resourceType"));
                assertTrue(ids.computeIfAbsent(type, t -> new HashSet<>()).add(resource.getString("id")), "no resource twice");
            }
        }
        return ids;
    }

    private static Map<String, Integer> counts(JsonPath manifest) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Map<String, Object> output : manifest.<Map<String, Object>>getList("output")) {
            counts.merge((String) output.get("type"), (Integer) output.get("count"), Integer::sum);
        }
        return counts;
    }

    private static Map<String, Integer> sizes(Map<String, Set<String>> exported) {
        Map<String, Integer> sizes = new TreeMap<>();
        exported.forEach((type, ids) -> sizes.put(type, ids.size()));
        return sizes;
    }

    /** Every page of a search (the query as written), following next links. */
    static List<JsonPath> search(String token, String query) {
        List<JsonPath> pages = new java.util.ArrayList<>();
        String next = "/fhir/" + query + (query.contains("?") ? "&" : "?") + "_count=1000";
        while (next != null) {
            JsonPath page = given().urlEncodingEnabled(false).auth().oauth2(token).when().get(next).then().statusCode(200).extract().jsonPath();
            pages.add(page);
            String link = page.getString("link.find { it.relation == 'next' }.url");
            next = link == null ? null : path(link);
        }
        return pages;
    }

    static Set<String> ids(List<JsonPath> pages) {
        Set<String> ids = new HashSet<>();
        pages.forEach(page -> {
            List<String> found = page.getList("entry.resource.id");
            if (found != null) {
                ids.addAll(found);
            }
        });
        return ids;
    }

    /** A patient's $everything, by type. */
    private static Map<String, Set<String>> everything(String token, String patient) {
        Map<String, Set<String>> byType = new TreeMap<>();
        String next = "/fhir/Patient/" + patient + "/$everything?_count=1000";
        while (next != null) {
            JsonPath page = given().urlEncodingEnabled(false).auth().oauth2(token).when().get(next).then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> resources = page.getList("entry.resource");
            if (resources != null) {
                resources.forEach(r -> byType.computeIfAbsent((String) r.get("resourceType"), t -> new HashSet<>()).add((String) r.get("id")));
            }
            String link = page.getString("link.find { it.relation == 'next' }.url");
            next = link == null ? null : path(link);
        }
        return byType;
    }

    private static Map<String, String> details(AuditEvent event) {
        Map<String, String> details = new TreeMap<>();
        event.getEntity().stream().filter(e -> "XrequestId".equals(e.getType().getCode())).flatMap(e -> e.getDetail().stream())
                .filter(d -> d.getType().startsWith("Result-Count")).forEach(d -> details.put(d.getType(), d.getValueStringType().getValue()));
        return details;
    }

    /** An absolute URL under the public base, as a path for this test server. */
    static String path(String url) {
        return url.substring(url.indexOf("/fhir/"));
    }

    private static String jobId(String statusUrl) {
        return statusUrl.substring(statusUrl.lastIndexOf('/') + 1);
    }

    private long jobCount() {
        return number(database, "SELECT count(*) FROM export_job");
    }

    /** A job row as a replica that is alive (heartbeat ahead) or stopped (heartbeat long past) would have left it. */
    private UUID insertJob(String client, String state, String heartbeat, String type) {
        UUID id = UUID.randomUUID();
        String parameters = "{\"level\":\"SYSTEM\",\"groupId\":null,\"types\":[\"" + type + "\"],\"typeFilters\":[],\"since\":\"" + start
                + "\",\"patients\":null,\"notes\":[]}";
        number(database, "WITH inserted AS (INSERT INTO export_job (id, state, request, parameters, client_id, subject, scope, worker, heartbeat,"
                + " attempts, created) VALUES ('" + id + "', '" + state + "', 'http://localhost:8080/fhir/$export', '" + parameters + "', '"
                + clientId(client) + "', '" + clientId(client) + "', 'system/*.rs', 'another-replica', " + heartbeat + ", 1, now()) RETURNING 1) SELECT count(*) FROM inserted");
        return id;
    }
}
