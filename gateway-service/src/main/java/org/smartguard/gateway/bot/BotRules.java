package org.smartguard.gateway.bot;

import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

/** Refuses User-Agents on the deny list unless the allow list names them; a missing User-Agent as configured. */
@ApplicationScoped
public class BotRules {

    private final boolean enabled;
    private final List<Pattern> deny;
    private final List<Pattern> allow;
    private final boolean denyMissing;

    BotRules(BotConfig config) {
        this.enabled = config.enabled();
        this.deny = config.deny().stream().map(Pattern::compile).toList();
        this.allow = config.allow().orElse(List.of()).stream().map(Pattern::compile).toList();
        this.denyMissing = config.denyMissing();
    }

    /** Whether a request with this User-Agent (null when none was sent) is served. */
    public boolean admits(String userAgent) {
        if (!enabled) {
            return true;
        }
        if (userAgent == null || userAgent.isBlank()) {
            return !denyMissing;
        }
        return allow.stream().anyMatch(pattern -> pattern.matcher(userAgent).find())
                || deny.stream().noneMatch(pattern -> pattern.matcher(userAgent).find());
    }
}
