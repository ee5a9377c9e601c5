package org.smartguard.gateway.headers;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.gateway.headers.*}: what the gateway adds to responses. */
@ConfigMapping(prefix = "smartguard.gateway.headers")
public interface ResponseHeadersConfig {

    /** Response headers a browser app may read (Access-Control-Expose-Headers), on every response. */
    @WithDefault("X-Total-Count,X-Request-Id,ETag,Location,Content-Location,Last-Modified,RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,X-RateLimit-Limit,X-RateLimit-Remaining,Retry-After")
    List<String> exposed();

    /** Strict-Transport-Security, sent only on requests that came over TLS. */
    @WithDefault("max-age=31536000; includeSubDomains")
    String strictTransportSecurity();

    /** Path prefixes whose responses get {@code Cache-Control: no-store} unless the service set a Cache-Control. */
    @WithDefault("/auth,/fhir")
    List<String> noStorePrefixes();
}
