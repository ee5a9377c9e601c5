package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smartguard.fhir.search.SearchFixtures.admin;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.smartguard.fhir.TestAuthorityResource;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Issue 4's "the CapabilityStatement lists only what works": every search parameter and every {@code _include} that
 * {@code /fhir/metadata} declares, on every type, is searched once with a value of its type and must be answered 200
 * with a Bundle (a declared parameter the search does not understand would be 400 SG-FHIR-SEARCH-UNKNOWN, one it
 * cannot evaluate a 500). The values match nothing; what matches is tested elsewhere.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class DeclaredSearchTest {

    @Inject
    SearchParameters parameters;

    private static JsonPath metadata() {
        return given().when().get("/fhir/metadata").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void everyDeclaredSearchParameterIsAnswered() {
        List<String> failures = new ArrayList<>();
        int searched = 0;
        for (Map<String, Object> resource : metadata().<Map<String, Object>>getList("rest[0].resource")) {
            String type = (String) resource.get("type");
            for (Map<String, Object> param : DeclaredSearchTest.<Map<String, Object>>listOf(resource.get("searchParam"))) {
                String name = (String) param.get("name");
                String declared = (String) param.get("type");
                assertTrue(!declared.equals("special"), type + "." + name + " is declared but special parameters are not indexed");
                searched++;
                check(failures, type, name + "=" + URLEncoder.encode(value(type, name, declared), StandardCharsets.UTF_8));
            }
        }
        assertTrue(searched > 1000, "the statement declares the parameters of every type: " + searched);
        assertEquals(List.of(), failures);
    }

    @Test
    void everyDeclaredIncludeIsAnswered() {
        List<String> failures = new ArrayList<>();
        for (Map<String, Object> resource : metadata().<Map<String, Object>>getList("rest[0].resource")) {
            String type = (String) resource.get("type");
            for (Object include : listOf(resource.get("searchInclude"))) {
                check(failures, type, "_id=none&_include=" + URLEncoder.encode((String) include, StandardCharsets.UTF_8));
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void thePatientEverythingOperationIsDeclared() {
        List<String> operations = metadata().getList("rest[0].resource.find { it.type == 'Patient' }.operation.name");
        assertTrue(operations.contains("everything"), operations::toString);
    }

    private static void check(List<String> failures, String type, String query) {
        Response answer = given().auth().oauth2(admin()).urlEncodingEnabled(false).when().get("/fhir/" + type + "?" + query + "&_count=1");
        if (answer.statusCode() != 200 || !"Bundle".equals(answer.jsonPath().getString("resourceType"))) {
            failures.add(type + "?" + query + " -> " + answer.statusCode() + " " + answer.asString());
        }
    }

    /** A value of the parameter's type that matches nothing; a composite gets one per part, joined by $. */
    private String value(String type, String name, String declared) {
        if (!declared.equals("composite")) {
            return value(declared);
        }
        RuntimeSearchParam composite = parameters.find(type, name).orElseThrow(() -> new AssertionError(type + "." + name + " is declared but unknown"));
        return CompositeParameter.of(type, composite).orElseThrow().components().stream()
                .map(part -> value(part.param().getParamType().getCode()))
                .collect(Collectors.joining("$"));
    }

    private static String value(String declared) {
        return switch (RestSearchParameterTypeEnum.forCode(declared)) {
            case STRING -> "zz-declared";
            case TOKEN -> "urn:declared|zz";
            case DATE -> "1901-01-01";
            case REFERENCE -> "none-declared";
            case QUANTITY, NUMBER -> "gt99999999";
            case URI -> "urn:declared";
            default -> throw new AssertionError("no value for a " + declared + " parameter");
        };
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> listOf(Object value) {
        return value == null ? List.of() : (List<T>) value;
    }
}
