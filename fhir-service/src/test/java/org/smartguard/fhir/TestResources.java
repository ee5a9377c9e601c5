package org.smartguard.fhir;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.restassured.response.Response;

/** Small builders of test data and a look at the tables, shared by the fhir-service's REST tests. */
public final class TestResources {

    public static final String FHIR_JSON = "application/fhir+json; charset=UTF-8";
    public static final String CATEGORIES = "http://terminology.hl7.org/CodeSystem/observation-category";

    private TestResources() {
    }

    public static String patient(String family) {
        return "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}";
    }

    public static String observation(String patientId, String category) {
        return observation(null, patientId, category);
    }

    /** An observation of a patient in one category; with an id, the body of an update. */
    public static String observation(String id, String patientId, String category) {
        return "{\"resourceType\":\"Observation\"" + (id == null ? "" : ",\"id\":\"" + id + "\"") + ",\"status\":\"final\","
                + "\"category\":[{\"coding\":[{\"system\":\"" + CATEGORIES + "\",\"code\":\"" + category + "\"}]}],"
                + "\"code\":{\"text\":\"pulse\"},\"subject\":{\"reference\":\"Patient/" + patientId + "\"}}";
    }

    /** Creates a resource and returns its server-assigned id. */
    public static String create(String token, String type, String json) {
        Response created = given().auth().oauth2(token).contentType(FHIR_JSON).body(json).when().post("/fhir/" + type)
                .then().statusCode(201).extract().response();
        return idOf(created.header("Location"));
    }

    /** The id in a {@code .../fhir/Type/id/_history/n} location. */
    public static String idOf(String location) {
        return location.substring(location.indexOf("/fhir/") + 6).split("/")[1];
    }

    /** The current version of a resource as the database holds it (0 when it does not exist). */
    public static long storedVersion(DataSource database, String type, String id) {
        return number(database, "SELECT coalesce(max(version), 0) FROM resource WHERE res_type = '" + type + "' AND res_id = '" + id + "'");
    }

    /** How many resources of a type the database holds, deleted ones included. */
    public static long storedCount(DataSource database, String type) {
        return number(database, "SELECT count(*) FROM resource WHERE res_type = '" + type + "'");
    }

    public static long number(DataSource database, String sql) {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
