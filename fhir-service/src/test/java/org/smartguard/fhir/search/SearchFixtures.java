package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.util.List;

import org.smartguard.commons.testing.TestAuthority;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** Small helpers the search tests share: create resources as an administrator, search, read ids and links. */
final class SearchFixtures {

    static final String FHIR_JSON = "application/fhir+json; charset=UTF-8";
    static final String LOINC = "http://loinc.org";
    static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    private SearchFixtures() {
    }

    static String admin() {
        return TestAuthority.systemToken("system/*.cruds");
    }

    /** Creates a resource and returns its server-assigned id. */
    static String create(String type, String json) {
        Response created = given().auth().oauth2(admin()).contentType(FHIR_JSON).body(json).when().post("/fhir/" + type)
                .then().statusCode(201).extract().response();
        String location = created.header("Location");
        return location.substring(location.indexOf("/fhir/") + 6).split("/")[1];
    }

    static void update(String type, String id, String json) {
        given().auth().oauth2(admin()).contentType(FHIR_JSON).body(json).when().put("/fhir/" + type + "/" + id)
                .then().statusCode(200);
    }

    static String patient(String family) {
        return create("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
    }

    /** An observation with a LOINC code, a category, an effective date and a value. */
    static String observation(String subject, String code, String category, String date, int value) {
        return create("Observation", observationJson(null, subject, code, category, date, value));
    }

    static String observationJson(String id, String subject, String code, String category, String date, int value) {
        return "{\"resourceType\":\"Observation\"," + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"status\":\"final\","
                + "\"category\":[{\"coding\":[{\"system\":\"" + CATEGORY + "\",\"code\":\"" + category + "\"}]}],"
                + "\"code\":{\"coding\":[{\"system\":\"" + LOINC + "\",\"code\":\"" + code + "\"}]},"
                + "\"subject\":{\"reference\":\"Patient/" + subject + "\"},\"effectiveDateTime\":\"" + date + "\","
                + "\"valueQuantity\":{\"value\":" + value + ",\"unit\":\"/min\"}}";
    }

    /** A search that must succeed; the query is sent as written (URL-encode values yourself). */
    static JsonPath search(String token, String query) {
        return given().auth().oauth2(token).urlEncodingEnabled(false).when().get("/fhir/" + query)
                .then().statusCode(200).contentType(containsString("application/fhir+json")).body("resourceType", is("Bundle"))
                .extract().jsonPath();
    }

    /** Follows a link of a bundle (an absolute URL under the public base). */
    static JsonPath follow(String token, String url) {
        return given().auth().oauth2(token).urlEncodingEnabled(false).when().get(url.substring(url.indexOf("/fhir/")))
                .then().statusCode(200).extract().jsonPath();
    }

    static List<String> ids(JsonPath bundle) {
        List<String> ids = bundle.getList("entry.resource.id");
        return ids == null ? List.of() : ids;
    }

    /** The ids of the entries with the given search mode (match or include). */
    static List<String> ids(JsonPath bundle, String mode) {
        List<String> ids = bundle.getList("entry.findAll { it.search.mode == '" + mode + "' }.resource.id");
        return ids == null ? List.of() : ids;
    }

    static String link(JsonPath bundle, String relation) {
        return bundle.getString("link.find { it.relation == '" + relation + "' }.url");
    }

    static String reference(String type, String id) {
        return "{\"reference\":\"" + type + "/" + id + "\"}";
    }
}
