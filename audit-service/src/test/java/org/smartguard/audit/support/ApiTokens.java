package org.smartguard.audit.support;

import static io.restassured.RestAssured.given;

import org.smartguard.commons.testing.TestAuthority;

import io.restassured.specification.RequestSpecification;

/** Tokens for the audit API's roles, minted by the shared test authority, and requests carrying them. */
public final class ApiTokens {

    /** The officer listed in the %test profile's smartguard.audit-api.security-staff. */
    public static final String OFFICER = "test-security-officer";

    private ApiTokens() {
    }

    /** A backend of the security team (e.g. the SIEM). */
    public static String securityBackend() {
        return TestAuthority.systemToken("system/AuditEvent.rs");
    }

    /** A configured security officer signed in through an app. */
    public static String securityOfficer() {
        return TestAuthority.practitionerToken(OFFICER, "openid fhirUser user/AuditEvent.rs");
    }

    public static String patient(String patientId) {
        return TestAuthority.patientToken(patientId, "launch/patient patient/AuditEvent.rs");
    }

    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }
}
