package org.smartguard.commons.revocation;

import java.net.URI;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.revocation.*}: how a token verifier checks revocation, and what it does while Redis is down. */
@ConfigMapping(prefix = "smartguard.revocation")
public interface RevocationConfig {

    /** The auth-service's list of revoked tokens, reached directly (env SMARTGUARD_REVOCATION_LIST_URI). */
    @WithDefault("http://127.0.0.1:8081/auth/revocations")
    URI listUri();

    /** A Redis lookup slower than this counts as a failure (env SMARTGUARD_REVOCATION_REDIS_TIMEOUT). */
    @WithDefault("1s")
    Duration redisTimeout();

    /** After a Redis failure, use the local copy this long before trying Redis again (env SMARTGUARD_REVOCATION_REDIS_RETRY_INTERVAL). */
    @WithDefault("5s")
    Duration redisRetryInterval();

    /** While Redis is down, fetch the list at most this often (env SMARTGUARD_REVOCATION_REFRESH_INTERVAL). */
    @WithDefault("5s")
    Duration refreshInterval();

    /** A local copy older than this is not trusted: requests are refused with 503 (env SMARTGUARD_REVOCATION_MAX_STALENESS). */
    @WithDefault("60s")
    Duration maxStaleness();

    /** How long one fetch of the list may take (env SMARTGUARD_REVOCATION_FETCH_TIMEOUT). */
    @WithDefault("3s")
    Duration fetchTimeout();
}
