package org.smartguard.gateway.ip;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smartguard.gateway.audit.AuditTopic;
import org.smartguard.gateway.routing.RawHttp;
import org.smartguard.gateway.routing.UpstreamServers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import org.smartguard.commons.testing.TestAuthority;

/**
 * The test runs behind a "proxy": loopback is a trusted proxy here, so X-Forwarded-For names the client. Bot rules
 * are on with the production lists.
 */
@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
@TestProfile(IpAndBotRulesTest.BehindAProxyWithRules.class)
class IpAndBotRulesTest {

    public static class BehindAProxyWithRules implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "smartguard.gateway.ip.trusted-proxies", "127.0.0.1/32,::1/128,10.99.0.0/16",
                    "smartguard.gateway.ip.routes.audit.allow", "10.20.0.0/16,2001:db8:20::/48",
                    "smartguard.gateway.ip.routes.fhir.deny", "203.0.113.0/24,2001:db8:bad::/48",
                    "smartguard.gateway.bots.enabled", "true");
        }
    }

    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private static final String READER = TestAuthority.patientToken("ip-patient", "patient/*.rs");
    private static final String AUDITOR = TestAuthority.systemToken("user/AuditEvent.rs");

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @BeforeEach
    void forget() {
        UpstreamServers.RECEIVED.clear();
    }

    private static void refused(Response response, String code) {
        response.then().statusCode(403)
                .contentType("application/fhir+json")
                .body("issue[0].code", is("forbidden"))
                .body("issue[0].details.text", is(code));
        assertEquals(List.of(), UpstreamServers.RECEIVED, "nothing reached a service");
    }

    private static Response fhirFrom(String forwardedFor) {
        return given().header("User-Agent", BROWSER).auth().oauth2(READER).header("X-Forwarded-For", forwardedFor).when().get("/fhir/Observation");
    }

    @Test
    void aDeniedIpv4NetworkIsRefusedOnItsRoute() {
        refused(fhirFrom("203.0.113.9"), "SG-GW-403-IP");
    }

    @Test
    void aDeniedIpv6NetworkIsRefusedOnItsRoute() {
        refused(fhirFrom("2001:db8:bad::7"), "SG-GW-403-IP");
    }

    @Test
    void theClientIsTheRightmostUntrustedHopSoASpoofedLeftEntryChangesNothing() {
        fhirFrom("198.51.100.4, 10.99.0.1").then().statusCode(200).body("headers.x-forwarded-for", is("198.51.100.4"));
        UpstreamServers.RECEIVED.clear();
        refused(fhirFrom("198.51.100.4, 203.0.113.9, 10.99.0.1"), "SG-GW-403-IP");
    }

    @Test
    void tlsEndedAtATrustedProxyCountsAsTls() {
        given().header("User-Agent", BROWSER).header("X-Forwarded-Proto", "https").when().get("/fhir/metadata")
                .then().statusCode(200)
                .header("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
                .body("headers.x-forwarded-proto", is("https"));
    }

    @Test
    void aRouteWithAnAllowListAdmitsOnlyThoseNetworks() {
        refused(given().header("User-Agent", BROWSER).auth().oauth2(AUDITOR).header("X-Forwarded-For", "198.51.100.4").when().get("/audit/events"),
                "SG-GW-403-IP");
        given().header("User-Agent", BROWSER).auth().oauth2(AUDITOR).header("X-Forwarded-For", "10.20.3.4").when().get("/audit/events")
                .then().statusCode(200);
        given().header("User-Agent", BROWSER).auth().oauth2(AUDITOR).header("X-Forwarded-For", "2001:db8:20::5").when().get("/audit/events")
                .then().statusCode(200);
        given().header("User-Agent", BROWSER).header("X-Forwarded-For", "198.51.100.4").when().get("/fhir/metadata").then().statusCode(200);
    }

    @Test
    void aPreflightFromADeniedNetworkIsRefusedToo() {
        refused(given().header("User-Agent", BROWSER).header("X-Forwarded-For", "203.0.113.9").header("Origin", "https://app.example.org")
                .header("Access-Control-Request-Method", "GET").when().options("/fhir/Observation"), "SG-GW-403-IP");
    }

    @ParameterizedTest
    @ValueSource(strings = {"curl/8.5.0", "Wget/1.21.3", "sqlmap/1.8#stable (https://sqlmap.org)"})
    void commandLineToolsAre403(String userAgent) {
        refused(given().header("User-Agent", userAgent).when().get("/fhir/metadata"), "SG-GW-403-BOT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HAPI-FHIR/8.12.1 (FHIR Client; FHIR 4.0.1/R4; apache)", "okhttp/4.12.0",
            "Apache-HttpClient/4.5.14 (Java/17.0.13)", BROWSER})
    void realFhirClientsAreServed(String userAgent) {
        given().header("User-Agent", userAgent).when().get("/fhir/metadata").then().statusCode(200);
    }

    @Test
    void addressAndUserAgentRefusalsAreAuditedWithWhatWasRefused() {
        String byAddress = "ip-audit-" + UUID.randomUUID();
        String byAgent = "bot-audit-" + UUID.randomUUID();
        try (AuditTopic topic = AuditTopic.fromNow()) {
            given().header("User-Agent", BROWSER).header("X-Request-Id", byAddress).header("X-Forwarded-For", "203.0.113.9")
                    .when().get("/fhir/metadata").then().statusCode(403);
            given().header("User-Agent", "curl/8.5.0").header("X-Request-Id", byAgent).when().get("/fhir/metadata").then().statusCode(403);

            JsonObject address = topic.awaitEventContaining(byAddress).event();
            assertEquals("SG-GW-403-IP (403)", address.getString("outcomeDesc"));
            assertTrue(address.encode().contains("\"address\":\"203.0.113.9\""), "the client behind the proxy is recorded");
            JsonObject agent = topic.awaitEventContaining(byAgent).event();
            assertEquals("SG-GW-403-BOT (403)", agent.getString("outcomeDesc"));
            assertTrue(agent.encode().contains("curl/8.5.0"), "the refused User-Agent is recorded");
        }
    }

    @Test
    void aRequestWithoutUserAgentIsRefusedAsConfigured() throws Exception {
        assertEquals(403, RawHttp.status(port, "GET", "/fhir/metadata"));
        assertEquals(List.of(), UpstreamServers.RECEIVED);
    }
}
