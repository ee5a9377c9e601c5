package org.smartguard.auth.clients;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.auth.clients.*}: how the keys of {@code private_key_jwt} clients are fetched and trusted. */
@ConfigMapping(prefix = "smartguard.auth.clients")
public interface ClientsConfig {

    /**
     * Whether a {@code jwks_uri} may be plain http on localhost or 127.0.0.1 (env
     * SMARTGUARD_AUTH_CLIENTS_JWKS_URI_ALLOW_LOCAL_HTTP). Off by default: in production every jwks_uri is https.
     */
    @WithDefault("false")
    boolean jwksUriAllowLocalHttp();

    /** The longest a fetched JWKS is kept (env SMARTGUARD_AUTH_CLIENTS_JWKS_CACHE_TTL); a shorter max-age wins. */
    @WithDefault("5m")
    Duration jwksCacheTtl();

    /** Connect and read timeout of a jwks_uri fetch (env SMARTGUARD_AUTH_CLIENTS_JWKS_FETCH_TIMEOUT). */
    @WithDefault("3s")
    Duration jwksFetchTimeout();

    /**
     * After an unknown {@code kid} the jwks_uri is fetched again, but not sooner than this after the last fetch
     * (env SMARTGUARD_AUTH_CLIENTS_JWKS_REFETCH_MIN_INTERVAL), so made-up kids cannot turn us into a request pump.
     */
    @WithDefault("10s")
    Duration jwksRefetchMinInterval();
}
