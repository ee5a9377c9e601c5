package org.smartguard.gateway.bot;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The production default lists (as in BotConfig and application.properties). */
class BotRulesTest {

    private static final List<String> DEFAULT_DENY = List.of("(?i)^curl/", "(?i)^wget/", "(?i)sqlmap", "(?i)nikto", "(?i)nmap",
            "(?i)masscan", "(?i)zgrab");

    private static BotRules rules(List<String> allow, boolean denyMissing) {
        return new BotRules(new BotConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public List<String> deny() {
                return DEFAULT_DENY;
            }

            @Override
            public Optional<List<String>> allow() {
                return Optional.of(allow);
            }

            @Override
            public boolean denyMissing() {
                return denyMissing;
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Apache-HttpClient/4.5.14 (Java/17.0.13)",
            "Apache-HttpClient/5.4.1 (Java/21)",
            "okhttp/4.12.0",
            "HAPI-FHIR/8.12.1 (FHIR Client; FHIR 4.0.1/R4; apache)",
            "HAPI-FHIR/8.12.1 (FHIR Client; FHIR 4.0.1/R4; okhttp)",
            "Java-http-client/17.0.13",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
            "Dart/3.5 (dart:io)",
            "Firely .NET SDK/5.11 (.NET 8.0)"})
    void theHttpStacksOfRealFhirClientsAreServed(String userAgent) {
        assertTrue(rules(List.of(), true).admits(userAgent), userAgent);
    }

    @ParameterizedTest
    @ValueSource(strings = {"curl/8.5.0", "Wget/1.21.3", "sqlmap/1.8#stable (https://sqlmap.org)",
            "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000003)", "Mozilla/5.0 (compatible; Nmap Scripting Engine)",
            "masscan/1.3", "Mozilla/5.0 zgrab/0.x"})
    void commandLineToolsAndScannersAreRefused(String userAgent) {
        assertFalse(rules(List.of(), true).admits(userAgent), userAgent);
    }

    @Test
    void aMissingUserAgentIsHandledAsConfigured() {
        assertFalse(rules(List.of(), true).admits(null));
        assertFalse(rules(List.of(), true).admits(" "));
        assertTrue(rules(List.of(), false).admits(null));
    }

    @Test
    void theAllowListWinsOverTheDenyList() {
        BotRules rules = rules(List.of("^curl/.* smartguard-probe$"), true);
        assertTrue(rules.admits("curl/8.5.0 smartguard-probe"));
        assertFalse(rules.admits("curl/8.5.0"));
    }
}
