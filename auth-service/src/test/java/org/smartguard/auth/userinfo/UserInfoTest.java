package org.smartguard.auth.userinfo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.startsWith;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.smartguard.auth.grants.TokenFixtures;
import org.smartguard.auth.users.AppUser;
import org.smartguard.commons.urls.PublicUrls;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class UserInfoTest {

    @Inject
    TokenFixtures fixtures;
    @Inject
    PublicUrls urls;

    @Test
    void userinfoGivesSubAbsoluteFhirUserAndNameWhenProfileWasGranted() {
        AppUser user = fixtures.patient();
        String token = accessToken(user, TokenFixtures.PATIENT_SCOPES);

        for (String method : new String[] {"GET", "POST"}) {
            given().auth().oauth2(token).request(method, "/auth/userinfo")
                    .then().statusCode(200)
                    .contentType(containsString("application/json"))
                    .body("sub", is(user.username))
                    .body("fhirUser", is(urls.fhirBase() + "/" + user.fhirUser))
                    .body("name", is(user.displayName));
        }
    }

    @Test
    void nameIsOnlyGivenWithProfile() {
        AppUser user = fixtures.patient();

        given().auth().oauth2(accessToken(user, "openid fhirUser patient/*.rs"))
                .get("/auth/userinfo")
                .then().statusCode(200)
                .body("sub", is(user.username))
                .body("$", not(hasKey("name")));
    }

    @Test
    void missingOrInvalidTokenIs401WithABearerChallenge() {
        given().get("/auth/userinfo")
                .then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("error", is("invalid_token"))
                .body("$", not(hasKey("sub")));
        given().auth().oauth2("not-a-token").post("/auth/userinfo")
                .then().statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("$", not(hasKey("sub")));
    }

    @Test
    void tokenWithoutOpenidIs403InsufficientScope() {
        given().auth().oauth2(accessToken(fixtures.patient(), "fhirUser profile launch/patient patient/*.rs"))
                .get("/auth/userinfo")
                .then().statusCode(403)
                .header("WWW-Authenticate", containsString("error=\"insufficient_scope\""))
                .body("error", is("insufficient_scope"))
                .body("$", not(hasKey("sub")));
    }

    private String accessToken(AppUser user, String scope) {
        return (String) fixtures.issue(fixtures.publicClient(), user, scope).get("access_token");
    }
}
