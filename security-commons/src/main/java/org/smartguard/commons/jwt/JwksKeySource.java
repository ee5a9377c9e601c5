package org.smartguard.commons.jwt;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

/**
 * The authorization server's public keys, fetched from its JWKS URL and cached. An unknown {@code kid} triggers a
 * refetch (key rotation), but at most once per {@code refreshFloor}, so a flood of made-up kids cannot turn into
 * a flood of JWKS requests. When the authorization server is down the last good key set keeps working.
 */
public final class JwksKeySource {

    private static final Logger LOG = Logger.getLogger(JwksKeySource.class);
    private static final int MAX_JWKS_BYTES = 256 * 1024;

    private final URI jwksUri;
    private final HttpClient http;
    private final Duration refreshFloor;
    private final Duration timeout;
    private final Clock clock;
    private final AtomicReference<JsonWebKeySet> keys = new AtomicReference<>(new JsonWebKeySet());
    private final AtomicReference<CompletableFuture<Void>> inFlight = new AtomicReference<>();
    private volatile Instant lastAttempt = Instant.EPOCH;

    public JwksKeySource(URI jwksUri, Duration refreshFloor, Duration timeout, Clock clock) {
        this.jwksUri = jwksUri;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.refreshFloor = refreshFloor;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** The key with this kid, refetching the set once if it is unknown and the floor allows. */
    public CompletionStage<Optional<JsonWebKey>> key(String kid) {
        Optional<JsonWebKey> known = find(kid);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(known);
        }
        // looked up again once the fetch (this request's, another's, or none) is over: a set that arrived in between
        // is seen, so a burst of first requests after start-up is not refused while one of them fetches the keys
        return refreshUnlessTooSoon().handle((ignored, failure) -> find(kid));
    }

    /**
     * The fetch under way, if any (the first one at start-up, or one after a rotation: it may bring the kid, so the
     * caller waits for it); else a new fetch if the floor allows; else nothing to wait for.
     */
    private CompletionStage<Void> refreshUnlessTooSoon() {
        CompletableFuture<Void> running = inFlight.get();
        if (running != null) {
            return running;
        }
        if (clock.instant().isBefore(lastAttempt.plus(refreshFloor))) {
            // a fetch begun since the look above set lastAttempt after publishing itself in inFlight: join it (one
            // that has already ended set the keys before clearing inFlight, and the caller's second look sees them)
            running = inFlight.get();
            return running != null ? running : CompletableFuture.completedFuture(null);
        }
        return refresh();
    }

    /** Fetches the key set now (one fetch at a time; concurrent callers share it). */
    public CompletionStage<Void> refresh() {
        CompletableFuture<Void> running = inFlight.get();
        if (running != null) {
            return running;
        }
        CompletableFuture<Void> fetch = new CompletableFuture<>();
        if (!inFlight.compareAndSet(null, fetch)) {
            return inFlight.get();
        }
        lastAttempt = clock.instant();
        HttpRequest request = HttpRequest.newBuilder(jwksUri).timeout(timeout).header("Accept", "application/json").GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            try {
                if (failure != null) {
                    LOG.warnf("JWKS %s unreachable (%s); keeping %d known keys", jwksUri, failure.getMessage(), keys.get().getJsonWebKeys().size());
                } else if (response.statusCode() != 200 || response.body().length() > MAX_JWKS_BYTES) {
                    LOG.warnf("JWKS %s answered %d; keeping the known keys", jwksUri, response.statusCode());
                } else {
                    keys.set(new JsonWebKeySet(response.body()));
                }
            } catch (JoseException e) {
                LOG.warnf("JWKS %s is not a key set (%s); keeping the known keys", jwksUri, e.getMessage());
            } finally {
                inFlight.set(null);
                fetch.complete(null);
            }
        });
        return fetch;
    }

    private Optional<JsonWebKey> find(String kid) {
        return keys.get().getJsonWebKeys().stream().filter(key -> kid.equals(key.getKeyId())).findFirst();
    }
}
