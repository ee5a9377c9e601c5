package org.smartguard.commons.revocation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.smartguard.commons.tokens.RevokedTokenKeys;

/**
 * A local copy of the auth-service's revocation list ({@code GET /auth/revocations}: SHA-256 hashes of revoked,
 * unexpired jtis), used while Redis cannot answer. Fetched asynchronously (never on the caller's thread), at most
 * once per {@code refreshInterval}, one fetch at a time. A copy older than {@code maxStaleness} is not trusted.
 */
final class RevocationList {

    private static final Logger LOG = Logger.getLogger(RevocationList.class);
    private static final int MAX_LIST_BYTES = 4 * 1024 * 1024;

    private record Copy(Set<String> hashes, Instant fetchedAt) {
    }

    private final URI uri;
    private final HttpClient http;
    private final Duration refreshInterval;
    private final Duration maxStaleness;
    private final Duration timeout;
    private final Clock clock;
    private final AtomicReference<Copy> copy = new AtomicReference<>(new Copy(Set.of(), Instant.EPOCH));
    private final AtomicReference<CompletableFuture<Copy>> inFlight = new AtomicReference<>();
    private volatile Instant lastAttempt = Instant.EPOCH;

    RevocationList(URI uri, Duration refreshInterval, Duration maxStaleness, Duration timeout, Clock clock) {
        this.uri = uri;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.refreshInterval = refreshInterval;
        this.maxStaleness = maxStaleness;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** Whether the jti is on the list; fails with {@link RevocationUnavailable} when no trustworthy copy exists. */
    CompletionStage<Boolean> contains(String jti) {
        CompletionStage<Copy> fetched = refreshWhenDue();
        Copy current = copy.get();
        if (trusted(current)) {
            return CompletableFuture.completedFuture(current.hashes().contains(RevokedTokenKeys.hash(jti)));
        }
        // no usable copy yet (the first request of an outage): wait for the fetch rather than refuse at once
        return fetched.thenApply(latest -> {
            if (!trusted(latest)) {
                throw new RevocationUnavailable();
            }
            return latest.hashes().contains(RevokedTokenKeys.hash(jti));
        });
    }

    /** True while the local copy is recent enough to decide on. */
    boolean trusted() {
        return trusted(copy.get());
    }

    private boolean trusted(Copy candidate) {
        return !clock.instant().isAfter(candidate.fetchedAt().plus(maxStaleness));
    }

    /** The fetch under way, a new one when the interval allows, else the copy as it is. */
    private CompletionStage<Copy> refreshWhenDue() {
        CompletableFuture<Copy> running = inFlight.get();
        if (running != null) {
            return running;
        }
        Instant now = clock.instant();
        if (now.isBefore(lastAttempt.plus(refreshInterval))) {
            return CompletableFuture.completedFuture(copy.get());
        }
        CompletableFuture<Copy> fetch = new CompletableFuture<>();
        if (!inFlight.compareAndSet(null, fetch)) {
            return inFlight.get() != null ? inFlight.get() : CompletableFuture.completedFuture(copy.get());
        }
        lastAttempt = now;
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            try {
                if (failure != null) {
                    LOG.warnf("revocation list %s unreachable (%s); keeping the copy of %s", uri, failure.getMessage(), copy.get().fetchedAt());
                } else if (response.statusCode() != 200 || response.body().length() > MAX_LIST_BYTES) {
                    LOG.warnf("revocation list %s answered %d; keeping the copy of %s", uri, response.statusCode(), copy.get().fetchedAt());
                } else {
                    copy.set(new Copy(parse(response.body()), now));
                }
            } catch (JoseException | RuntimeException e) {
                LOG.warnf("revocation list %s is malformed (%s); keeping the copy of %s", uri, e.getMessage(), copy.get().fetchedAt());
            } finally {
                inFlight.set(null);
                fetch.complete(copy.get());
            }
        });
        return fetch;
    }

    /** {@code {"revoked": [{"jti_sha256": "<hex>", "exp": <epoch seconds>}, ...]}} */
    private static Set<String> parse(String body) throws JoseException {
        Map<String, Object> document = JsonUtil.parseJson(body);
        if (!(document.get("revoked") instanceof List<?> entries)) {
            throw new IllegalArgumentException("no revoked array");
        }
        Set<String> hashes = new HashSet<>();
        for (Object entry : entries) {
            if (entry instanceof Map<?, ?> fields && fields.get("jti_sha256") instanceof String hash) {
                hashes.add(hash);
            } else {
                throw new IllegalArgumentException("an entry without jti_sha256");
            }
        }
        return Set.copyOf(hashes);
    }
}
