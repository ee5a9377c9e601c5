package org.smartguard.gateway.cors;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.gateway.cors.*}: which browser origins may call the API. */
@ConfigMapping(prefix = "smartguard.gateway.cors")
public interface CorsConfig {

    /**
     * Exact origins ({@code https://app.example.org}); none = no cross-origin access. No wildcard, and {@code null}
     * is never an allowed origin (sandboxed frames, file: URLs), even when listed.
     */
    Optional<List<String>> allowedOrigins();

    @WithDefault("GET,HEAD,POST,PUT,PATCH,DELETE")
    List<String> allowedMethods();

    @WithDefault("Authorization,Content-Type,Accept,Prefer,If-Match,If-None-Match,If-Modified-Since,If-None-Exist,X-Patient-Context,X-Request-Id")
    List<String> allowedHeaders();

    /** Whether browsers may send cookies (the auth-service's login session) with cross-origin requests. */
    @WithDefault("false")
    boolean allowCredentials();

    /** How long a browser may cache a preflight answer. */
    @WithDefault("10m")
    Duration maxAge();
}
