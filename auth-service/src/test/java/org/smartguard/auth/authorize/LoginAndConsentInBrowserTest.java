package org.smartguard.auth.authorize;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestClient;
import org.smartguard.auth.authorize.AuthorizeFixtures.TestUser;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The login and consent pages in a real browser (headless Chromium): forms, checkboxes, cookies and the redirect. */
@QuarkusTest
class LoginAndConsentInBrowserTest {

    private static final String SCOPE = "launch/patient openid fhirUser patient/Observation.rs patient/Condition.rs";
    private static final String UNTICKED = "patient/Condition.rs";
    private static final String LOGIN_TITLE = "Sign in - SMART Guard";
    private static final String CONSENT_TITLE = "Allow access - SMART Guard";

    @Inject
    AuthorizeFixtures fixtures;

    @TestHTTPResource("/auth/authorize")
    URL authorizeEndpoint;

    private CallbackApp app;
    private HeadlessChromium chromium;
    private WebDriver browser;

    @BeforeEach
    void startAppAndBrowser() {
        app = CallbackApp.start();
        chromium = HeadlessChromium.start();
        browser = chromium.driver();
    }

    @AfterEach
    void stopBrowserAndApp() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            app.close();
        }
    }

    @Test
    void patientSignsInUnticksAScopeAndTheAppGetsACodeForTheRest() {
        TestUser patient = fixtures.patientUser();
        TestClient client = fixtures.publicClientRedirectingTo(app.redirectUri());
        AuthorizeParams params = AuthorizeParams.forClient(client, SCOPE);

        browser.get(authorizeEndpoint + "?" + params.asQuery());
        assertEquals(LOGIN_TITLE, browser.getTitle());
        assertFlowCookieIsHiddenFromScripts();
        signIn(patient.username(), patient.password());

        chromium.waiting().until(ExpectedConditions.titleIs(CONSENT_TITLE));
        assertFlowCookieIsHiddenFromScripts();
        WebElement condition = scopeCheckbox(UNTICKED);
        assertTrue(condition.isSelected(), "every requested scope starts ticked");
        condition.click();
        assertFalse(condition.isSelected());
        assertTrue(scopeCheckbox("patient/Observation.rs").isSelected());
        browser.findElement(By.cssSelector("button[name=decision][value=approve]")).click();

        String query = chromium.waiting().until(driver -> app.receivedQuery().orElse(null));
        chromium.waiting().until(ExpectedConditions.titleIs(CallbackApp.PAGE_TITLE));
        Map<String, String> answer = BrowserSession.queryParams(query);
        assertEquals(params.get("state"), answer.get("state"), "state comes back byte for byte through the browser");
        assertNotNull(answer.get("code"));
        assertFalse(answer.containsKey("error"));
        CodeExchange.exchange(client, answer.get("code"), params).then().statusCode(200)
                .body("scope", equalTo("launch/patient openid fhirUser patient/Observation.rs"))
                .body("patient", equalTo(patient.patientId()));
    }

    @Test
    void wrongPasswordShowsTheLoginPageAgainWithAnErrorAndNothingReachesTheApp() {
        TestUser patient = fixtures.patientUser();
        TestClient client = fixtures.publicClientRedirectingTo(app.redirectUri());

        browser.get(authorizeEndpoint + "?" + AuthorizeParams.forClient(client, SCOPE).asQuery());
        signIn(patient.username(), "not-" + patient.password());

        WebElement error = chromium.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]")));
        assertEquals("The username or password is not correct.", error.getText());
        assertEquals(LOGIN_TITLE, browser.getTitle());
        assertEquals("", browser.findElement(By.id("password")).getDomProperty("value"), "the password is not sent back");
        assertTrue(browser.findElements(By.name("decision")).isEmpty(), "no consent page");
        assertTrue(browser.getCurrentUrl().startsWith(authorizeEndpoint.toString()), browser.getCurrentUrl());
        assertFlowCookieIsHiddenFromScripts();
        assertTrue(app.receivedQuery().isEmpty(), "no redirect to the app");
    }

    private void signIn(String username, String password) {
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
    }

    private WebElement scopeCheckbox(String scope) {
        return browser.findElement(By.cssSelector("input[type=checkbox][name=scope][value='" + scope + "']"));
    }

    /** The flow cookie is set, and HttpOnly: a script on the page sees no cookie at all. */
    private void assertFlowCookieIsHiddenFromScripts() {
        Cookie flow = browser.manage().getCookieNamed(HtmlResponses.COOKIE);
        assertNotNull(flow, "the page set the flow cookie");
        assertTrue(flow.isHttpOnly(), "the flow cookie is HttpOnly");
        assertEquals("", ((JavascriptExecutor) browser).executeScript("return document.cookie"));
    }
}
