package org.smartguard.fhir.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.smartguard.fhir.TestResources.create;
import static org.smartguard.fhir.TestResources.idOf;
import static org.smartguard.fhir.TestResources.patient;
import static org.smartguard.fhir.TestResources.storedCount;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.xml.XmlPath;
import io.restassured.response.Response;

/**
 * FHIR XML in and out (Content-Type, Accept, {@code _format}), and XML that tries to make the server read a file or
 * fetch a URL (XXE) or expand entities without end: refused with 400 and an OperationOutcome before any parser
 * resolves anything; the secret never appears, the URL is never fetched, nothing is stored.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class XmlFormatTest {

    private static final String ADMIN = TestAuthority.systemToken("system/*.cruds");
    private static final String FHIR_XML = "application/fhir+xml";

    @Inject
    DataSource database;

    private HttpServer bait;
    private final AtomicInteger baitFetches = new AtomicInteger();
    private Path secretFile;
    private String secret;

    @BeforeEach
    void baitServerAndSecretFile() throws IOException {
        bait = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        bait.createContext("/", exchange -> {
            baitFetches.incrementAndGet();
            byte[] body = "<!ENTITY leaked 'FETCHED'>".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        bait.start();
        secret = "SECRET-" + UUID.randomUUID();
        secretFile = Files.createTempFile("xxe", ".txt");
        Files.writeString(secretFile, secret);
    }

    @AfterEach
    void stopBait() throws IOException {
        bait.stop(0);
        Files.deleteIfExists(secretFile);
    }

    private String baitUrl() {
        return "http://127.0.0.1:" + bait.getAddress().getPort() + "/dtd";
    }

    private static String xmlPatient(String family) {
        return "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"" + family + "\"/></name></Patient>";
    }

    @Test
    void anXmlResourceIsStoredAndReadBackInEitherFormat() {
        Response created = given().auth().oauth2(ADMIN).contentType(FHIR_XML).accept(FHIR_XML).body(xmlPatient("Xmlson"))
                .when().post("/fhir/Patient")
                .then().statusCode(201).contentType(startsWith(FHIR_XML)).header("ETag", "W/\"1\"").extract().response();
        String id = idOf(created.header("Location"));
        assertEquals("Xmlson", XmlPath.from(created.asString()).getString("Patient.name.family.@value"));

        given().auth().oauth2(ADMIN).when().get("/fhir/Patient/" + id)
                .then().statusCode(200).contentType(startsWith("application/fhir+json")).body("name[0].family", is("Xmlson"));
        given().auth().oauth2(ADMIN).when().get("/fhir/Patient/" + id + "?_format=xml")
                .then().statusCode(200).contentType(startsWith(FHIR_XML)).body(containsString("<family value=\"Xmlson\">"));
        given().auth().oauth2(ADMIN).accept("application/xml").when().get("/fhir/Patient/" + id)
                .then().statusCode(200).contentType(startsWith(FHIR_XML)).header("ETag", "W/\"1\"");
        given().auth().oauth2(ADMIN).accept(FHIR_XML).when().get("/fhir/Patient/" + id + "?_format=json")
                .then().statusCode(200).contentType(startsWith("application/fhir+json"));
        given().auth().oauth2(ADMIN).contentType(FHIR_XML).body(xmlPatient("Updated").replace("<name>", "<id value=\"" + id + "\"/><name>"))
                .when().put("/fhir/Patient/" + id).then().statusCode(200).body("name[0].family", is("Updated"));
    }

    @Test
    void bundlesAndErrorsComeAsXmlWhenAskedFor() {
        String id = create(ADMIN, "Patient", patient("Bundled"));
        given().auth().oauth2(ADMIN).accept(FHIR_XML).when().get("/fhir/Patient?_id=" + id)
                .then().statusCode(200).contentType(startsWith(FHIR_XML)).body(startsWith("<Bundle xmlns=\"http://hl7.org/fhir\">"));
        given().auth().oauth2(ADMIN).urlEncodingEnabled(false).when().get("/fhir/Patient/" + id + "/_history?_format=application/fhir%2Bxml")
                .then().statusCode(200).contentType(startsWith(FHIR_XML)).body(containsString("<type value=\"history\">"));
        given().auth().oauth2(ADMIN).accept(FHIR_XML).when().get("/fhir/Patient/no-such-patient")
                .then().statusCode(404).contentType(startsWith(FHIR_XML)).body(startsWith("<OperationOutcome"));
        given().accept(FHIR_XML).when().get("/fhir/Patient/" + id)
                .then().statusCode(401).contentType(startsWith(FHIR_XML)).body(startsWith("<OperationOutcome"));
        given().accept(FHIR_XML).when().get("/fhir/metadata")
                .then().statusCode(200).body(startsWith("<CapabilityStatement"));
    }

    @Test
    void xmlIsParsedStrictlyAndTransactionsMayBeXml() {
        given().auth().oauth2(ADMIN).contentType(FHIR_XML).body("<Patient xmlns=\"http://hl7.org/fhir\"><nonsense value=\"1\"/></Patient>")
                .when().post("/fhir/Patient")
                .then().statusCode(400).body("issue[0].details.text", is("SG-FHIR-PARSE")).body("issue[0].diagnostics", containsString("nonsense"));
        given().auth().oauth2(ADMIN).contentType(FHIR_XML).body("<Patient xmlns=\"http://hl7.org/fhir\"><name>")
                .when().post("/fhir/Patient").then().statusCode(400).body("resourceType", is("OperationOutcome"));
        String family = "Tx" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(ADMIN).contentType(FHIR_XML)
                .body("<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"transaction\"/><entry><resource>" + xmlPatient(family)
                        + "</resource><request><method value=\"POST\"/><url value=\"Patient\"/></request></entry></Bundle>")
                .when().post("/fhir").then().statusCode(200).body("type", is("transaction-response"));
        given().auth().oauth2(ADMIN).when().get("/fhir/Patient?family:exact=" + family).then().body("entry.size()", is(1));
        given().auth().oauth2(ADMIN).contentType(FHIR_XML).body("<x/>").when().patch("/fhir/Patient/any")
                .then().statusCode(415).body("resourceType", is("OperationOutcome"));
    }

    private void refusedAndNothingLeaked(String xml) {
        long before = storedCount(database, "Patient");
        given().auth().oauth2(ADMIN).contentType(FHIR_XML).body(xml).when().post("/fhir/Patient")
                .then().statusCode(400)
                .body("resourceType", is("OperationOutcome"))
                .body("issue[0].details.text", is("SG-FHIR-XML-DTD"))
                .body(not(containsString(secret)))
                .body(not(containsString("FETCHED")));
        assertEquals(before, storedCount(database, "Patient"), "nothing was stored");
        assertEquals(0, baitFetches.get(), "the external entity's URL was never fetched");
    }

    @Test
    void anExternalFileEntityIsNeverResolved() {
        refusedAndNothingLeaked("<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"" + secretFile.toUri() + "\">]>"
                + xmlPatient("&xxe;"));
        refusedAndNothingLeaked("<?xml version=\"1.0\"?>\n<!doctype Patient [<!ENTITY xxe SYSTEM \"file:///etc/hostname\">]>"
                + xmlPatient("&xxe;"));
    }

    @Test
    void anExternalUrlEntityOrDtdIsNeverFetched() {
        refusedAndNothingLeaked("<!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"" + baitUrl() + "\">]>" + xmlPatient("&xxe;"));
        refusedAndNothingLeaked("<!DOCTYPE Patient [<!ENTITY % remote SYSTEM \"" + baitUrl() + "\"> %remote;]>" + xmlPatient("&leaked;"));
        refusedAndNothingLeaked("<!DOCTYPE Patient SYSTEM \"" + baitUrl() + "\">" + xmlPatient("x"));
    }

    @Test
    void entityExpansionBombsAreRefusedAndTheServiceStillAnswers() {
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY lol0 \"lol\">");
        for (int level = 1; level <= 9; level++) {
            laughs.append("<!ENTITY lol").append(level).append(" \"").append(("&lol" + (level - 1) + ";").repeat(10)).append("\">");
        }
        refusedAndNothingLeaked(laughs.append("]>").append(xmlPatient("&lol9;")).toString());
        given().auth().oauth2(ADMIN).when().get("/fhir/Patient?_count=1").then().statusCode(200);
    }
}
