package org.smartguard.auth.authorize;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.authorize.*}: the login and consent flow of the authorization endpoint. */
@ConfigMapping(prefix = "smartguard.authorize")
public interface AuthorizeConfig {

    /** How long a started authorization waits for login and consent (env SMARTGUARD_AUTHORIZE_PENDING_LIFETIME). */
    @WithDefault("10m")
    Duration pendingLifetime();

    /** Failed logins for one username within the window before further attempts are refused (env SMARTGUARD_AUTHORIZE_MAX_FAILURES_PER_USER). */
    @WithDefault("5")
    int maxFailuresPerUser();

    /** Failed logins from one address within the window; higher than per user, as many people may share one NAT (env SMARTGUARD_AUTHORIZE_MAX_FAILURES_PER_ADDRESS). */
    @WithDefault("20")
    int maxFailuresPerAddress();

    /** The window failed logins are counted in, and how long a throttled user or address waits (env SMARTGUARD_AUTHORIZE_FAILURE_WINDOW). */
    @WithDefault("15m")
    Duration failureWindow();
}
