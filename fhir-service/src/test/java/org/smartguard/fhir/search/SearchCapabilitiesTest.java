package org.smartguard.fhir.search;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The CapabilityStatement announces the search features that exist: includes, revincludes, result parameters. */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class SearchCapabilitiesTest {

    @Test
    void metadataListsIncludesRevincludesAndResultParameters() {
        JsonPath metadata = given().when().get("/fhir/metadata").then().statusCode(200).extract().jsonPath();
        List<String> includes = metadata.getList("rest[0].resource.find { it.type == 'Observation' }.searchInclude");
        assertTrue(includes.containsAll(List.of("Observation:subject", "Observation:patient", "Observation:*", "*")), includes::toString);
        List<String> revIncludes = metadata.getList("rest[0].resource.find { it.type == 'Observation' }.searchRevInclude");
        assertTrue(revIncludes.containsAll(List.of("Provenance:target", "DiagnosticReport:result")), revIncludes::toString);
        List<String> results = metadata.getList("rest[0].searchParam.name");
        assertTrue(results.containsAll(List.of("_sort", "_count", "_summary", "_elements", "_total", "_has")), results::toString);
        List<String> goal = metadata.getList("rest[0].resource.find { it.type == 'Goal' }.searchParam.name");
        assertTrue(goal.contains("description"), "US Core's Goal description");
    }
}
