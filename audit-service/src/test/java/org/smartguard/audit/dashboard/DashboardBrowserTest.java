package org.smartguard.audit.dashboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.audit.alerts.AlertStore;
import org.smartguard.audit.alerts.SecurityAlert;
import org.smartguard.audit.store.AuditEventStore;
import org.smartguard.audit.store.StoreWiring;
import org.smartguard.audit.support.ApiEvents;
import org.smartguard.audit.support.ApiTokens;
import org.smartguard.audit.support.StoredEvents;
import org.smartguard.audit.support.TestAuthorityResource;
import org.smartguard.commons.testing.TestAuthority;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.SameSiteAttribute;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The dashboard in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser). A security
 * officer signs in with a staff token and sees the hourly chart, the open alert with its evidence and the busiest
 * user and address, under a CSP that reports no violation; a clinician's token gets no session. The screenshot is
 * kept as target/dashboard.png.
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class DashboardBrowserTest {

    private static final List<String> CHROMIUM_FLAGS = List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run");
    private static Playwright playwright;
    private static Browser browser;

    @TestHTTPResource("/audit/dashboard")
    URL dashboard;

    @Inject
    AuditEventStore store;

    @Inject
    DataSource owner;

    @Inject
    @io.quarkus.agroal.DataSource(StoreWiring.WRITER_DATASOURCE)
    DataSource writer;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String address = "10.5." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250);
    private ApiEvents events;
    private SecurityAlert alert;
    private BrowserContext context;
    private final List<String> console = new ArrayList<>();

    @BeforeAll
    static void launchChromium() {
        String chromium = System.getenv().getOrDefault("SUITE_CHROMIUM", "/usr/bin/chromium");
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Path.of(chromium)).setHeadless(true).setArgs(CHROMIUM_FLAGS));
    }

    @AfterAll
    static void closeChromium() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void storeActivity() throws Exception {
        events = new ApiEvents(store, new StoredEvents(owner));
        List<String> evidence = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < 60; i++) {
            evidence.add(events.read("dash-" + run, "pd-" + run + "-" + i, address, now.minusSeconds(i * 60L)).eventId());
        }
        for (int i = 0; i < 8; i++) {
            events.denied("dash-probe-" + run, "pd-" + run + "-0", address, now.minusSeconds(i * 30L));
        }
        alert = new SecurityAlert(UUID.randomUUID().toString(), "snooping", "high", "user:dash-" + run + "-sub",
                now.minusSeconds(3600).toString(), now.toString(), 60, 50, evidence.subList(0, 3));
        new AlertStore(writer).store(List.of(alert));
        context = browser.newContext();
    }

    @AfterEach
    void forget() {
        context.close();
        events.forget();
        new StoredEvents(owner).executeAsOwner("DELETE FROM audit_log.security_alert WHERE alert_id = CAST(? AS uuid)", alert.alertId());
    }

    @Test
    void aSecurityOfficerSignsInAndSeesChartAlertsAndTopVolumes() throws Exception {
        Page page = context.newPage();
        page.onConsoleMessage(message -> console.add(message.text()));
        page.navigate(dashboard.toString());
        assertTrue(page.url().endsWith("/audit/dashboard/login"), "without a session the dashboard sends to the sign-in form");

        page.fill("#token", ApiTokens.securityOfficer());
        page.click("#sign-in");
        page.waitForSelector("#hourly-chart");
        assertTrue(page.url().endsWith("/audit/dashboard"), page.url());
        assertEquals(24, page.locator("#hourly-chart rect.events").count(), "one bar per hour");
        assertTrue(page.locator("#open-alerts").innerText().contains(alert.subject()));
        assertTrue(page.locator("#open-alerts").innerText().contains(alert.evidence().get(0)), "the alert's evidence is shown");
        assertTrue(page.locator("#top-users").innerText().contains("Practitioner/dash-" + run));
        assertTrue(page.locator("#top-addresses").innerText().contains(address));
        assertEquals(0, page.locator("script").count(), "no script at all");

        Cookie session = context.cookies().stream().filter(c -> c.name.equals(DashboardSession.COOKIE)).findFirst().orElseThrow();
        assertTrue(session.httpOnly);
        assertEquals(SameSiteAttribute.STRICT, session.sameSite);
        assertEquals("/audit", session.path);

        Path screenshot = Path.of("target", "dashboard.png");
        Files.createDirectories(screenshot.getParent());
        page.screenshot(new Page.ScreenshotOptions().setPath(screenshot).setFullPage(true));
        assertTrue(Files.size(screenshot) > 0);
        assertTrue(console.stream().noneMatch(line -> line.contains("Content Security Policy")), console.toString());

        page.click("#sign-out");
        page.waitForSelector("#token");
        assertTrue(context.cookies().stream().noneMatch(c -> c.name.equals(DashboardSession.COOKIE)), "signed out");
        page.navigate(dashboard.toString());
        assertTrue(page.url().endsWith("/audit/dashboard/login"));
    }

    @Test
    void aClinicianTokenGetsNoSession() {
        Page page = context.newPage();
        page.navigate(dashboard.toString().replace("/audit/dashboard", "/audit/dashboard/login"));
        page.fill("#token", TestAuthority.practitionerToken("dr-" + run, "user/*.* openid fhirUser"));
        page.click("#sign-in");
        page.waitForSelector("#login-error");
        assertTrue(page.locator("#login-error").innerText().contains("SG-AUDIT-403-NOT-SECURITY-STAFF"));
        assertTrue(context.cookies().isEmpty(), "no cookie for a refused token");
        page.navigate(dashboard.toString());
        assertTrue(page.url().endsWith("/audit/dashboard/login"));
    }

    @Test
    void thePageIsServedUnderAStrictPolicyAndTheCookieNeverOpensTheApi() {
        given().header("Authorization", "Bearer " + ApiTokens.securityBackend()).get("/audit/dashboard").then().statusCode(200)
                .header("Content-Security-Policy", is(DashboardResource.CSP))
                .header("X-Frame-Options", "DENY")
                .header("Cache-Control", "no-store")
                .body(containsString("hourly-chart"));
        given().cookie(DashboardSession.COOKIE, ApiTokens.securityBackend()).get("/audit/AuditEvent").then().statusCode(401)
                .body("issue[0].details.text", is("SG-AUDIT-401-NO-TOKEN"));
        given().cookie(DashboardSession.COOKIE, "forged").redirects().follow(false).get("/audit/dashboard").then().statusCode(303)
                .header("Location", containsString("/audit/dashboard/login"));
        given().redirects().follow(false).formParam("token", "forged").post("/audit/dashboard/login").then().statusCode(401)
                .header("Set-Cookie", org.hamcrest.Matchers.nullValue())
                .body(containsString("SG-AUDIT-401-INVALID-TOKEN"));
    }
}
