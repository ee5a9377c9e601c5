package org.smartguard.fhir.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smartguard.fhir.TestResources.CATEGORIES;
import static org.smartguard.fhir.TestResources.FHIR_JSON;
import static org.smartguard.fhir.TestResources.create;
import static org.smartguard.fhir.TestResources.observation;
import static org.smartguard.fhir.TestResources.patient;
import static org.smartguard.fhir.TestResources.storedCount;
import static org.smartguard.fhir.TestResources.storedVersion;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Every interaction, for patient/, user/ (practitioner and patient users) and system/ tokens with SMART v1 and v2
 * scopes, on a resource inside the token's patient compartment ("in": my laboratory Observation, or my Patient's
 * $everything) and one outside it ("out": another patient's). The expected outcome of each cell is written in the
 * table below, as the README's SMART enforcement section documents it:
 * <ul>
 * <li>{@code ok}: the interaction succeeds (200, 201 for create, 204 for delete) and, for searches, history and
 * $everything, the answer includes the resource;</li>
 * <li>{@code hid}: 200 but the resource is not in the answer (a search reaches only what the token may see);</li>
 * <li>{@code 404}: the resource does not exist for this token (its existence must not leak);</li>
 * <li>{@code 403}: the scopes do not grant the interaction ({@code insufficient_scope}, SG-FHIR-403-SCOPE);</li>
 * <li>{@code ctx}: 403 because the token's context cannot be interpreted (a patient/ scope without a patient,
 * a user/ scope without fhirUser: SG-FHIR-403-CONTEXT).</li>
 * </ul>
 * Every refusal also checks that nothing changed (the version is unchanged, nothing was created), and every
 * $everything that the patient's compartment alone is returned.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class SmartScopeMatrixTest {

    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");
    private static final String LAB = "patient/Observation.rs?category=" + CATEGORIES + "|laboratory";
    private static final String VITALS = "patient/Observation.rs?category=" + CATEGORIES + "|vital-signs";

    enum Interaction { READ, VREAD, SEARCH, HISTORY, TYPE_HISTORY, CREATE, UPDATE, PATCH, DELETE, EVERYTHING }

    /**
     * A token and what it gets for each interaction, in and out of its compartment.
     *
     * @param token the token, given my patient's id
     */
    record Row(String name, Function<String, String> token, String in, String out) {
    }

    private static Row row(String name, Function<String, String> token, String in, String out) {
        return new Row(name, token, in, out);
    }

    private static Function<String, String> patientApp(String scope) {
        return mine -> TestAuthority.patientToken(mine, scope);
    }

    private static Function<String, String> practitioner(String scope) {
        return mine -> TestAuthority.practitionerToken("dr-who", scope);
    }

    private static Function<String, String> patientUser(String scope) {
        return mine -> TestAuthority.token(scope, Map.of("fhirUser", "Patient/" + mine));
    }

    private static Function<String, String> system(String scope) {
        return mine -> TestAuthority.systemToken(scope);
    }

    private static final List<Row> TABLE = List.of(
            //                                                          read vread search hist thist create update patch delete $everything
            row("patient/*.read (v1)", patientApp("patient/*.read"),
                    "                                                   ok   ok    ok     ok   ok    403    403    403   403    ok",
                    "                                                   404  404   hid    404  hid   403    403    403   403    404"),
            row("patient/*.write (v1)", patientApp("patient/*.write"),
                    "                                                   403  403   403    403  403   ok     ok     ok    ok     403",
                    "                                                   403  403   403    403  403   403    404    404   404    403"),
            row("patient/*.* (v1)", patientApp("patient/*.*"),
                    "                                                   ok   ok    ok     ok   ok    ok     ok     ok    ok     ok",
                    "                                                   404  404   hid    404  hid   403    404    404   404    404"),
            row("patient/*.cruds (v2)", patientApp("patient/*.cruds"),
                    "                                                   ok   ok    ok     ok   ok    ok     ok     ok    ok     ok",
                    "                                                   404  404   hid    404  hid   403    404    404   404    404"),
            row("patient/Observation.rs (v2)", patientApp("patient/Observation.rs"),
                    "                                                   ok   ok    ok     ok   ok    403    403    403   403    403",
                    "                                                   404  404   hid    404  hid   403    403    403   403    403"),
            row("patient/Observation.r only (v2)", patientApp("patient/Observation.r patient/Patient.r"),
                    "                                                   ok   ok    403    ok   403   403    403    403   403    403",
                    "                                                   404  404   403    404  403   403    403    403   403    404"),
            row("patient/Observation.s only (v2)", patientApp("patient/Observation.s patient/Patient.r"),
                    "                                                   403  403   ok     403  ok    403    403    403   403    ok",
                    "                                                   403  403   hid    403  hid   403    403    403   403    404"),
            row("patient/ granular laboratory (v2)", patientApp(LAB + " patient/Patient.rs"),
                    "                                                   ok   ok    ok     ok   ok    403    403    403   403    ok",
                    "                                                   404  404   hid    404  hid   403    403    403   403    404"),
            row("patient/ granular vital-signs (v2)", patientApp(VITALS + " patient/Patient.rs"),
                    "                                                   404  404   hid    404  hid   403    403    403   403    hid",
                    "                                                   404  404   hid    404  hid   403    403    403   403    404"),
            row("patient/*.cruds without a patient", mine -> TestAuthority.token("patient/*.cruds", Map.of()),
                    "                                                   ctx  ctx   ctx    ctx  ctx   ctx    ctx    ctx   ctx    ctx",
                    "                                                   ctx  ctx   ctx    ctx  ctx   ctx    ctx    ctx   ctx    ctx"),
            row("user/*.read practitioner (v1)", practitioner("user/*.read"),
                    "                                                   ok   ok    ok     ok   ok    403    403    403   403    ok",
                    "                                                   ok   ok    ok     ok   ok    403    403    403   403    ok"),
            row("user/*.cruds practitioner (v2)", practitioner("user/*.cruds"),
                    "                                                   ok   ok    ok     ok   ok    ok     ok     ok    ok     ok",
                    "                                                   ok   ok    ok     ok   ok    ok     ok     ok    ok     ok"),
            row("user/Observation.rs practitioner (v2)", practitioner("user/Observation.rs"),
                    "                                                   ok   ok    ok     ok   ok    403    403    403   403    403",
                    "                                                   ok   ok    ok     ok   ok    403    403    403   403    403"),
            row("user/*.read patient user (v1)", patientUser("user/*.read"),
                    "                                                   ok   ok    ok     ok   ok    403    403    403   403    ok",
                    "                                                   404  404   hid    404  hid   403    403    403   403    404"),
            row("user/*.cruds patient user (v2)", patientUser("user/*.cruds"),
                    "                                                   ok   ok    ok     ok   ok    ok     ok     ok    ok     ok",
                    "                                                   404  404   hid    404  hid   403    404    404   404    404"),
            row("user/*.cruds without fhirUser", mine -> TestAuthority.token("user/*.cruds", Map.of()),
                    "                                                   ctx  ctx   ctx    ctx  ctx   ctx    ctx    ctx   ctx    ctx",
                    "                                                   ctx  ctx   ctx    ctx  ctx   ctx    ctx    ctx   ctx    ctx"),
            row("system/*.read (v1)", system("system/*.read"),
                    "                                                   ok   ok    ok     ok   ok    403    403    403   403    ok",
                    "                                                   ok   ok    ok     ok   ok    403    403    403   403    ok"),
            row("system/*.write (v1)", system("system/*.write"),
                    "                                                   403  403   403    403  403   ok     ok     ok    ok     403",
                    "                                                   403  403   403    403  403   ok     ok     ok    ok     403"),
            row("system/*.cruds (v2)", system("system/*.cruds"),
                    "                                                   ok   ok    ok     ok   ok    ok     ok     ok    ok     ok",
                    "                                                   ok   ok    ok     ok   ok    ok     ok     ok    ok     ok"),
            row("system/Observation.s only (v2)", system("system/Observation.s"),
                    "                                                   403  403   ok     403  ok    403    403    403   403    403",
                    "                                                   403  403   ok     403  ok    403    403    403   403    403"));

    static Stream<Arguments> cells() {
        return TABLE.stream().flatMap(row -> Stream.of(true, false).flatMap(in -> {
            String[] expected = (in ? row.in() : row.out()).trim().split("\\s+");
            assertEquals(Interaction.values().length, expected.length, row.name());
            return IntStream.range(0, expected.length)
                    .mapToObj(i -> Arguments.of(row.name(), Interaction.values()[i], in ? "in" : "out", expected[i], row.token()));
        }));
    }

    @Inject
    DataSource database;

    /** Made once: my patient and another, each with a laboratory observation; reads use these. */
    private static String mine;
    private static String theirs;
    private static String myLab;
    private static String theirLab;
    private static Instant start;

    @BeforeEach
    void patientsWithLaboratoryObservations() {
        if (mine == null) {
            start = Instant.now();
            mine = create(ADMIN, "Patient", patient("Mine"));
            theirs = create(ADMIN, "Patient", patient("Theirs"));
            myLab = create(ADMIN, "Observation", observation(mine, "laboratory"));
            theirLab = create(ADMIN, "Observation", observation(theirs, "laboratory"));
        }
    }

    @ParameterizedTest(name = "{0}: {1} {2} -> {3}")
    @MethodSource("cells")
    void eachInteractionGetsTheDocumentedOutcome(String row, Interaction interaction, String where, String expected,
            Function<String, String> tokenFor) {
        String token = tokenFor.apply(mine);
        String patientId = where.equals("in") ? mine : theirs;
        // writes get a target of their own, so a successful delete or update never changes what other cells read
        String target = switch (interaction) {
            case UPDATE, PATCH, DELETE -> create(ADMIN, "Observation", observation(patientId, "laboratory"));
            default -> where.equals("in") ? myLab : theirLab;
        };
        long observationsBefore = storedCount(database, "Observation");
        Response response = perform(interaction, token, target, patientId);

        switch (expected) {
            case "ok" -> succeeded(interaction, token, response, target, patientId);
            case "hid" -> {
                assertEquals(200, response.statusCode(), response.asString());
                assertFalse(listedIds(interaction, token, response).contains(target), "the resource is hidden");
                if (interaction == Interaction.EVERYTHING) {
                    onlyThePatientsCompartment(response, patientId);
                }
            }
            case "404" -> response.then().statusCode(404).header("WWW-Authenticate", nullValue())
                    .body("issue[0].code", is("not-found")).body("issue[0].details.text", is("SG-FHIR-404"));
            case "403", "ctx" -> response.then().statusCode(403)
                    .header("WWW-Authenticate", containsString("error=\"insufficient_scope\""))
                    .body("issue[0].code", is("forbidden"))
                    .body("issue[0].details.text", is(expected.equals("ctx") ? "SG-FHIR-403-CONTEXT" : "SG-FHIR-403-SCOPE"));
            default -> throw new IllegalArgumentException(expected);
        }
        if (!expected.equals("ok")) {
            assertEquals(observationsBefore, storedCount(database, "Observation"), "nothing was created");
            assertEquals(1, storedVersion(database, "Observation", target), "the resource is unchanged");
        }
    }

    private Response perform(Interaction interaction, String token, String target, String patientId) {
        var request = given().auth().oauth2(token).urlEncodingEnabled(false);
        return switch (interaction) {
            case READ -> request.get("/fhir/Observation/" + target);
            case VREAD -> request.get("/fhir/Observation/" + target + "/_history/1");
            case SEARCH -> request.get("/fhir/Observation?_id=" + target);
            case HISTORY -> request.get("/fhir/Observation/" + target + "/_history");
            case TYPE_HISTORY -> request.get("/fhir/Observation/_history?_count=1000&_since=" + start);
            case CREATE -> request.contentType(FHIR_JSON).body(observation(patientId, "laboratory")).post("/fhir/Observation");
            case UPDATE -> request.contentType(FHIR_JSON).body(observation(target, patientId, "laboratory").replace("\"final\"", "\"amended\""))
                    .put("/fhir/Observation/" + target);
            case PATCH -> request.contentType("application/json-patch+json").body("[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"amended\"}]")
                    .patch("/fhir/Observation/" + target);
            case DELETE -> request.delete("/fhir/Observation/" + target);
            case EVERYTHING -> request.get("/fhir/Patient/" + patientId + "/$everything?_count=1000");
        };
    }

    private void succeeded(Interaction interaction, String token, Response response, String target, String patientId) {
        switch (interaction) {
            case READ, VREAD -> response.then().statusCode(200).body("id", is(target));
            case SEARCH, HISTORY, TYPE_HISTORY, EVERYTHING -> {
                assertEquals(200, response.statusCode(), response.asString());
                assertTrue(listedIds(interaction, token, response).contains(target), "the answer includes the resource");
                if (interaction == Interaction.EVERYTHING) {
                    onlyThePatientsCompartment(response, patientId);
                }
            }
            case CREATE -> response.then().statusCode(201).body("subject.reference", is("Patient/" + patientId));
            case UPDATE, PATCH -> {
                response.then().statusCode(200).body("status", is("amended"));
                assertEquals(2, storedVersion(database, "Observation", target));
            }
            case DELETE -> {
                response.then().statusCode(204);
                given().auth().oauth2(ADMIN).get("/fhir/Observation/" + target).then().statusCode(410);
            }
        }
    }

    /** The ids an answer lists; a type history is followed through its next links. */
    private static List<String> listedIds(Interaction interaction, String token, Response response) {
        JsonPath page = response.jsonPath();
        List<String> ids = new ArrayList<>(page.getList("entry.fullUrl", String.class).stream()
                .map(url -> url.substring(url.lastIndexOf('/') + 1)).toList());
        String next = page.getString("link.find { it.relation == 'next' }.url");
        if (interaction == Interaction.TYPE_HISTORY && next != null) {
            ids.addAll(listedIds(interaction, token, given().auth().oauth2(token).urlEncodingEnabled(false).get(next.substring(next.indexOf("/fhir/")))));
        }
        return ids;
    }

    /** Every resource of a $everything answer is the patient or refers to the patient as its subject. */
    private static void onlyThePatientsCompartment(Response response, String patientId) {
        List<Map<String, Object>> resources = response.jsonPath().getList("entry.resource");
        for (Map<String, Object> resource : resources) {
            boolean isThePatient = "Patient".equals(resource.get("resourceType")) && patientId.equals(resource.get("id"));
            @SuppressWarnings("unchecked")
            Map<String, Object> subject = (Map<String, Object>) resource.get("subject");
            assertTrue(isThePatient || (subject != null && ("Patient/" + patientId).equals(subject.get("reference"))),
                    "$everything of " + patientId + " returned " + resource);
        }
    }
}
