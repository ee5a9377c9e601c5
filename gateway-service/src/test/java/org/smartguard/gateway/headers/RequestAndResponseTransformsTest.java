package org.smartguard.gateway.headers;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;
import org.smartguard.gateway.routing.UpstreamServers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.smartguard.commons.testing.TestAuthority;

@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
class RequestAndResponseTransformsTest {

    private static final String CLINICIAN = TestAuthority.systemToken("user/*.rs");
    private static final String AUDITOR = TestAuthority.systemToken("user/AuditEvent.rs");

    @Test
    void thePatientContextReachesTheServiceAsXFhirPatientAndAForgedOneDoesNot() {
        given().auth().oauth2(CLINICIAN)
                .header("X-Patient-Context", "transform-patient-1")
                .header("X-FHIR-Patient", "forged")
                .when().get("/fhir/Observation")
                .then().statusCode(200)
                .body("headers.x-fhir-patient", is("transform-patient-1"))
                .body("headers.x-patient-context", nullValue());
        given().auth().oauth2(CLINICIAN).header("X-FHIR-Patient", "forged").when().get("/fhir/Observation")
                .then().statusCode(200)
                .body("headers.x-fhir-patient", nullValue());
    }

    @Test
    void forwardedResponsesCarrySecurityHeadersAndExposeTheTotalCount() {
        given().when().get("/fhir/metadata")
                .then().statusCode(200)
                .header("X-Content-Type-Options", "nosniff")
                .header("Access-Control-Expose-Headers", containsString("X-Total-Count"))
                .header("Cache-Control", "no-store")
                .header("Strict-Transport-Security", nullValue());
        given().when().get("/auth/.well-known/openid-configuration")
                .then().statusCode(200)
                .header("Cache-Control", "no-store");
    }

    @Test
    void aClientClaimingTlsWithoutATrustedProxyIsNotBelieved() {
        given().header("X-Forwarded-Proto", "https").when().get("/fhir/metadata")
                .then().statusCode(200)
                .header("Strict-Transport-Security", nullValue())
                .body("headers.x-forwarded-proto", is("http"));
    }

    @Test
    void aServicesOwnCacheControlIsKept() {
        given().header("X-Echo-Cache-Control", "public, max-age=60").when().get("/fhir/metadata")
                .then().statusCode(200)
                .header("Cache-Control", "public, max-age=60");
    }

    @Test
    void theAuditApiIsNotForcedToNoStore() {
        given().auth().oauth2(AUDITOR).when().get("/audit/events")
                .then().statusCode(200)
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", nullValue());
    }

    @Test
    void refusalsCarryTheSecurityHeadersToo() {
        given().when().get("/fhir/Patient/transform-p2")
                .then().statusCode(401)
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-store")
                .header("Access-Control-Expose-Headers", containsString("X-Total-Count"));
    }
}
