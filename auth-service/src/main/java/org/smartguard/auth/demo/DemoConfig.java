package org.smartguard.auth.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.auth.demo.*}: the demo users and clients. Demo only: turn them off in production. */
@ConfigMapping(prefix = "smartguard.auth.demo")
public interface DemoConfig {

    /** Whether the demo users and clients are created at startup (env SMARTGUARD_AUTH_DEMO_ENABLED). */
    @WithDefault("false")
    boolean enabled();

    /**
     * Where demo-backend's private key (a JWK) is kept, relative to the working directory
     * (env SMARTGUARD_AUTH_DEMO_BACKEND_KEY_FILE). Created once with mode 600, then reused.
     */
    @WithDefault(".suite/demo/demo-backend-key.json")
    String backendKeyFile();

    /**
     * demo-app's one redirect URI, where the demo app is served (env SMARTGUARD_AUTH_DEMO_APP_REDIRECT_URI; ./suite up
     * sets it from DEMO_APP_PORT). The registered client follows it at every start, so the app can move ports.
     */
    @WithDefault("http://localhost:9090/callback")
    String appRedirectUri();
}
