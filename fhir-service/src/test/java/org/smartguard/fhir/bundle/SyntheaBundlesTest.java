package org.smartguard.fhir.bundle;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Real Synthea 3.3.0 output, trimmed to one encounter (src/test/resources/synthea: the hospital and practitioner
 * batches and a patient transaction that refers to them as {@code Organization?identifier=https://...|...}), loaded
 * the way deploy/local/synthea/PopulationLoader.java loads a whole population; and that loader itself, run as the
 * suite runs it.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class SyntheaBundlesTest {

    private static final String FHIR_JSON = "application/fhir+json; charset=UTF-8";
    private static final String LOADER = TestAuthority.systemToken("system/*.cs");
    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");
    /** The trimmed patient's Synthea id: in its fullUrl, id and identifier; replaced per test so each run adds a new patient. */
    private static final String SYNTHEA_PATIENT_ID = "1e621f4c-db30-c273-49e9-2dcad508a9cb";
    private static final String SYNTHEA = "https://github.com/synthetichealth/synthea";
    private static final String HOSPITAL_ORGANIZATION = "6aae7a31-90df-3455-ad8d-81f8cf2d21e8";
    private static final String HOSPITAL_LOCATION = "ab1eb2eb-5fe2-39b8-9c17-4f2131691379";
    private static final String NPI = "http://hl7.org/fhir/sid/us-npi";
    private static final String ENCOUNTER_PRACTITIONER = "9999987594";
    private static final Path LOADER_SOURCE = Path.of("..", "deploy", "local", "synthea", "PopulationLoader.java");

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private String patientId;

    @BeforeEach
    void freshPatient() {
        patientId = UUID.randomUUID().toString();
    }

    @Test
    void aSyntheaPatientTransactionResolvesItsConditionalReferencesToTheLoadedHospitalAndPractitioner() {
        post(LOADER, resource("hospitalInformation.json"), 200);
        post(LOADER, resource("practitionerInformation.json"), 200);
        JsonPath response = post(LOADER, patientBundle(), 200);

        assertEquals("transaction-response", response.getString("type"));
        assertEquals(List.of("201 Created"), response.getList("entry.response.status").stream().distinct().toList());
        String patient = onlyId("Patient?identifier=" + SYNTHEA + "|" + patientId);
        String encounter = idIn(response.getString("entry[1].response.location"));
        given().auth().oauth2(ADMIN).when().get("/fhir/Encounter/" + encounter).then().statusCode(200)
                .body("subject.reference", is("Patient/" + patient))
                .body("serviceProvider.reference", is("Organization/" + onlyId("Organization?identifier=" + SYNTHEA + "|" + HOSPITAL_ORGANIZATION)))
                .body("location[0].location.reference", is("Location/" + onlyId("Location?identifier=" + SYNTHEA + "|" + HOSPITAL_LOCATION)))
                .body("participant[0].individual.reference", is("Practitioner/" + onlyId("Practitioner?identifier=" + NPI + "|" + ENCOUNTER_PRACTITIONER)));
        // searchable by the rewritten reference, as the demo app and $everything find a patient's data
        List<String> observations = given().auth().oauth2(ADMIN).urlEncodingEnabled(false)
                .when().get("/fhir/Observation?subject=Patient/" + patient).then().statusCode(200).extract().jsonPath().getList("entry.resource.id");
        assertEquals(1, observations.size());
    }

    @Test
    void loadingTheHospitalBundleAgainFindsWhatIsThereInsteadOfCopyingIt() {
        JsonPath first = post(LOADER, resource("hospitalInformation.json"), 200);
        JsonPath again = post(LOADER, resource("hospitalInformation.json"), 200);

        assertEquals("batch-response", again.getString("type"));
        assertEquals(List.of("200 OK"), again.getList("entry.response.status").stream().distinct().toList());
        assertEquals(ids(first.getList("entry.response.location")), ids(again.getList("entry.response.location")));
        onlyId("Organization?identifier=" + SYNTHEA + "|" + HOSPITAL_ORGANIZATION);
    }

    @Test
    void aConditionalReferenceToAPractitionerNobodyLoadedFailsTheWholePatientTransaction() {
        post(LOADER, resource("hospitalInformation.json"), 200);
        post(LOADER, resource("practitionerInformation.json"), 200);
        String unknownPractitioner = patientBundle().replace(NPI + "|" + ENCOUNTER_PRACTITIONER, NPI + "|0000000000");

        given().auth().oauth2(LOADER).contentType(FHIR_JSON).body(unknownPractitioner).when().post("/fhir")
                .then().statusCode(412)
                .body("issue[0].details.text", is("SG-FHIR-412-CONDITIONAL-REF"))
                .body("issue[0].diagnostics", is("entry 1: conditional reference Practitioner?identifier=" + NPI
                        + "|0000000000 matches nothing"));
        assertEquals(List.of(), ids("Patient?identifier=" + SYNTHEA + "|" + patientId), "the patient entry was rolled back");
    }

    @Test
    void theLoaderLoadsHospitalsAndPractitionersFirstThenPatientsAndSummarizesPerType(@TempDir Path dir) throws Exception {
        // Synthea's file names; in name order the patient would come first
        Files.writeString(dir.resolve("Alice1_Example2_" + patientId + ".json"), patientBundle());
        Files.writeString(dir.resolve("hospitalInformation1.json"), resource("hospitalInformation.json"));
        Files.writeString(dir.resolve("practitionerInformation1.json"), resource("practitionerInformation.json"));
        Path token = Files.writeString(dir.resolve("token.txt"), LOADER);

        LoaderRun run = runLoader(token, dir);

        assertEquals(0, run.exitCode(), run.output());
        String patient = onlyId("Patient?identifier=" + SYNTHEA + "|" + patientId);
        assertTrue(run.output().contains("3/3 bundles"), run.output());
        assertTrue(run.output().matches("(?s).*\\n  Patient +1\\n.*"), run.output());
        assertTrue(run.output().matches("(?s).*\\n  Encounter +1\\n.*"), run.output());
        assertTrue(run.output().contains("first patient Patient/" + patient), run.output());
        // and a Group of the patients it loaded, for Bulk Data exports
        String group = onlyId("Group?identifier=https://smartguard.org/fhir/population|load-" + patientId);
        assertTrue(run.output().contains("Group/" + group + " (1 members, created)"), run.output());
        given().auth().oauth2(ADMIN).when().get("/fhir/Group/" + group).then().statusCode(200)
                .body("type", is("person")).body("actual", is(true)).body("member.entity.reference", is(List.of("Patient/" + patient)));
    }

    @Test
    void theLoaderLinksTheDemoUsersToAGeneratedPatientAndTheClinicianOfItsEncounters(@TempDir Path dir) throws Exception {
        // a clinician new to this database (a PUT under another id must not meet an earlier run's copy of the NPI)
        String npi = String.format("98%08d", ThreadLocalRandom.current().nextInt(100_000_000));
        String demoPatient = "linked-" + patientId;
        String demoClinician = "clinician-" + patientId;
        Files.writeString(dir.resolve("Alice1_Example2_" + patientId + ".json"), patientBundle().replace(ENCOUNTER_PRACTITIONER, npi));
        Files.writeString(dir.resolve("hospitalInformation1.json"), resource("hospitalInformation.json"));
        Files.writeString(dir.resolve("practitionerInformation1.json"),
                resource("practitionerInformation.json").replace(ENCOUNTER_PRACTITIONER, npi));
        // the two linked entries are PUTs: update (u) besides create and search
        Path token = Files.writeString(dir.resolve("token.txt"), TestAuthority.systemToken("system/*.cus"));

        LoaderRun run = runLoader(token, dir, "--link-patient", demoPatient, "--link-practitioner", demoClinician);

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("Patient/" + demoPatient + " is Alice1_Example2_" + patientId + ".json"), run.output());
        assertTrue(run.output().contains("Practitioner/" + demoClinician + " is NPI " + npi), run.output());
        assertEquals(demoPatient, onlyId("Patient?identifier=" + SYNTHEA + "|" + patientId), "the generated patient, under the demo id");
        given().auth().oauth2(ADMIN).urlEncodingEnabled(false).when().get("/fhir/Encounter?subject=Patient/" + demoPatient)
                .then().statusCode(200).body("entry.size()", is(1))
                .body("entry[0].resource.participant[0].individual.reference", is("Practitioner/" + demoClinician));
        assertEquals(demoClinician, onlyId("Practitioner?identifier=" + NPI + "|" + npi), "the clinician, under the demo id");
    }

    @Test
    void theLoaderStopsWithTheServersReasonWhenItsTokenCannotTouchOrganizations(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Alice1_Example2_" + patientId + ".json"), patientBundle());
        Files.writeString(dir.resolve("hospitalInformation1.json"), resource("hospitalInformation.json"));
        // (with read access alone, a conditional create that matches an Organization of an earlier run would succeed)
        Path token = Files.writeString(dir.resolve("token.txt"), TestAuthority.systemToken("system/Patient.cruds"));

        LoaderRun run = runLoader(token, dir);

        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("population: hospitalInformation1.json: an entry failed with 403"), run.output());
        assertEquals(List.of(), ids("Patient?identifier=" + SYNTHEA + "|" + patientId), "nothing after the failed bundle was sent");
    }

    private record LoaderRun(int exitCode, String output) {
    }

    /** Runs the loader as ./suite does (a single-file program on this JDK); it reads only the *.json files of DIR. */
    private LoaderRun runLoader(Path token, Path bundles, String... options) throws IOException, InterruptedException {
        Path output = Files.createTempFile(bundles, "loader", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                LOADER_SOURCE.toString(), "--fhir", fhirBase.toString(), "--token-file", token.toString(), "--threads", "1",
                "--group", "load-" + patientId));
        command.addAll(List.of(options));
        command.add(bundles.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the loader did not finish within 2 minutes: " + Files.readString(output));
        }
        return new LoaderRun(process.exitValue(), Files.readString(output));
    }

    private String patientBundle() {
        return resource("patient.json").replace(SYNTHEA_PATIENT_ID, patientId);
    }

    private static String resource(String name) {
        try (InputStream in = SyntheaBundlesTest.class.getResourceAsStream("/synthea/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonPath post(String token, String body, int status) {
        return given().auth().oauth2(token).contentType(FHIR_JSON).body(body).when().post("/fhir")
                .then().statusCode(status).extract().jsonPath();
    }

    private static List<String> ids(String search) {
        List<String> ids = given().auth().oauth2(ADMIN).urlEncodingEnabled(false).when().get("/fhir/" + search.replace("|", "%7C"))
                .then().statusCode(200).extract().jsonPath().getList("entry.resource.id");
        return ids == null ? List.of() : ids;
    }

    private static String onlyId(String search) {
        List<String> ids = ids(search);
        assertEquals(1, ids.size(), search + " matches exactly one resource");
        return ids.get(0);
    }

    private static String idIn(String location) {
        String[] parts = location.split("/_history/")[0].split("/");
        return parts[parts.length - 1];
    }

    private static List<String> ids(List<String> locations) {
        return locations.stream().map(SyntheaBundlesTest::idIn).toList();
    }
}
