package org.smartguard.gateway.bot;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.gateway.bots.*}: User-Agent rules. */
@ConfigMapping(prefix = "smartguard.gateway.bots")
public interface BotConfig {

    @WithDefault("true")
    boolean enabled();

    /**
     * Regular expressions (searched, case-sensitive unless they say {@code (?i)}) of refused User-Agents: command
     * line tools and attack scanners. Deliberately nothing that matches the stacks real FHIR clients use (Apache
     * HttpClient and OkHttp under HAPI, Java's and .NET's clients, browsers and the SMART JavaScript client in them).
     */
    @WithDefault("(?i)^curl/,(?i)^wget/,(?i)sqlmap,(?i)nikto,(?i)nmap,(?i)masscan,(?i)zgrab")
    List<String> deny();

    /** Regular expressions that win over deny (e.g. a monitoring probe that uses curl). */
    Optional<List<String>> allow();

    /** Whether a request without a User-Agent is refused. */
    @WithDefault("true")
    boolean denyMissing();
}
