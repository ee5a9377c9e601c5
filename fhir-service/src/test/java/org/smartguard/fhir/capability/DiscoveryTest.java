package org.smartguard.fhir.capability;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class DiscoveryTest {

    @Test
    void metadataIsPublicAndDeclaresSmartSecurity() {
        given().when().get("/fhir/metadata")
                .then().statusCode(200)
                .contentType(startsWith("application/fhir+json"))
                .body("resourceType", is("CapabilityStatement"))
                .body("fhirVersion", is("4.0.1"))
                .body("rest[0].security.service[0].coding[0].code", is("SMART-on-FHIR"))
                .body("rest[0].security.extension[0].url", is(CapabilityStatementResource.OAUTH_URIS))
                .body("rest[0].security.extension[0].extension.find { it.url == 'token' }.valueUri", is("http://localhost:8080/auth/token"))
                .body("rest[0].resource.find { it.type == 'Observation' }.interaction.code", hasItem("vread"))
                .body("rest[0].resource.find { it.type == 'Observation' }.interaction.code", hasItem("search-type"))
                .body("rest[0].resource.find { it.type == 'Observation' }.searchParam.name", hasItem("category"))
                .body("rest[0].interaction.code", hasItem("transaction"));
    }

    @Test
    void smartConfigurationIsTheAuthorizationServersAsJson() {
        given().header("Accept", "text/html").when().get("/fhir/.well-known/smart-configuration")
                .then().statusCode(200)
                .contentType(startsWith("application/json"))
                .body("token_endpoint", is("http://localhost:8080/auth/token"))
                .body("code_challenge_methods_supported[0]", is("S256"));
    }
}
