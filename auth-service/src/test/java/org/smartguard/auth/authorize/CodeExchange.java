package org.smartguard.auth.authorize;

import static io.restassured.RestAssured.given;

import java.util.Arrays;
import java.util.List;

import org.smartguard.auth.authorize.AuthorizeFixtures.TestClient;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestUser;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** The app's side: getting a code through the whole browser flow, and trading it at the token endpoint. */
public final class CodeExchange {

    private CodeExchange() {
    }

    /** Runs authorize, login and consent (everything left ticked) and returns the code. */
    public static String obtainCode(AuthorizeParams params, TestUser user) {
        BrowserSession browser = new BrowserSession();
        browser.authorize(params).then().statusCode(200);
        browser.login(user.username(), user.password()).then().statusCode(200);
        List<String> everything = Arrays.asList(params.get("scope").split(" "));
        Response redirect = browser.approve(everything);
        redirect.then().statusCode(302);
        return BrowserSession.redirectParams(redirect).get("code");
    }

    /** POST /auth/token as {@code client}: client_id in the body for a public client, Basic for a confidential one. */
    public static Response exchange(TestClient client, String code, String redirectUri, String verifier) {
        RequestSpecification request = given().contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "authorization_code")
                .formParam("code", code)
                .formParam("redirect_uri", redirectUri);
        if (verifier != null) {
            request.formParam("code_verifier", verifier);
        }
        request = client.secret() == null
                ? request.formParam("client_id", client.id())
                : request.auth().preemptive().basic(client.id(), client.secret());
        return request.post("/auth/token");
    }

    public static Response exchange(TestClient client, String code, AuthorizeParams params) {
        return exchange(client, code, params.get("redirect_uri"), params.verifier());
    }
}
