package org.smartguard.auth.clients;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

/**
 * The public keys of a {@code private_key_jwt} client: its registered JWKS, or the document its {@code jwks_uri}
 * serves. Fetched documents are cached for {@code jwks-cache-ttl} at most, and never longer than their
 * {@code Cache-Control} allows (SMART Backend Services: "never cached longer than its cache-control allows").
 * Redirects are not followed and bodies over 64 KiB are refused.
 */
@ApplicationScoped
public class ClientJwksSource {

    /** The client's keys cannot be had: nothing registered, the jwks_uri unreachable, refused or malformed. */
    public static class KeysUnavailable extends Exception {
        KeysUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    private static final int MAX_BYTES = 64 * 1024;
    private static final Pattern MAX_AGE = Pattern.compile("max-age\\s*=\\s*(\\d+)");

    private record Fetched(List<JsonWebKey> keys, Instant fetchedAt, Instant expiresAt) {
    }

    private final ConcurrentMap<String, Fetched> fetched = new ConcurrentHashMap<>();
    private final ClientsConfig config;
    private final JwksUriPolicy uriPolicy;
    private final HttpClient http;

    ClientJwksSource(ClientsConfig config, JwksUriPolicy uriPolicy) {
        this.config = config;
        this.uriPolicy = uriPolicy;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.jwksFetchTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public List<JsonWebKey> keys(OAuthClient client) throws KeysUnavailable {
        if (client.jwks != null && !client.jwks.isBlank()) {
            return parse(client.jwks);
        }
        if (client.jwksUri == null || client.jwksUri.isBlank()) {
            throw new KeysUnavailable("the client has no registered keys");
        }
        Fetched cached = fetched.get(client.jwksUri);
        if (cached != null && Instant.now().isBefore(cached.expiresAt())) {
            return cached.keys();
        }
        return fetch(client.jwksUri).keys();
    }

    /**
     * After a {@code kid} was not found: the jwks_uri's keys fetched anew (the client may have rotated), or empty
     * when the client's keys are registered inline or the last fetch is more recent than the refetch interval.
     */
    public Optional<List<JsonWebKey>> refetch(OAuthClient client) throws KeysUnavailable {
        if ((client.jwks != null && !client.jwks.isBlank()) || client.jwksUri == null || client.jwksUri.isBlank()) {
            return Optional.empty();
        }
        Fetched cached = fetched.get(client.jwksUri);
        if (cached != null && Instant.now().isBefore(cached.fetchedAt().plus(config.jwksRefetchMinInterval()))) {
            return Optional.empty();
        }
        return Optional.of(fetch(client.jwksUri).keys());
    }

    private Fetched fetch(String jwksUri) throws KeysUnavailable {
        Optional<String> problem = uriPolicy.fetchProblem(jwksUri);
        if (problem.isPresent()) {
            throw new KeysUnavailable(problem.get());
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(jwksUri))
                .timeout(config.jwksFetchTimeout())
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<InputStream> response;
        byte[] body;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (IOException e) {
            throw new KeysUnavailable("the client's jwks_uri could not be fetched");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeysUnavailable("the client's jwks_uri could not be fetched");
        }
        if (response.statusCode() != 200) {
            throw new KeysUnavailable("the client's jwks_uri answered HTTP " + response.statusCode());
        }
        if (body.length > MAX_BYTES) {
            throw new KeysUnavailable("the client's JWKS is larger than " + MAX_BYTES + " bytes");
        }
        List<JsonWebKey> keys = parse(new String(body, StandardCharsets.UTF_8));
        Instant now = Instant.now();
        Fetched result = new Fetched(keys, now, now.plus(cacheLifetime(response)));
        fetched.put(jwksUri, result);
        return result;
    }

    private Duration cacheLifetime(HttpResponse<?> response) {
        Duration ttl = config.jwksCacheTtl();
        String cacheControl = response.headers().firstValue("Cache-Control").orElse("").toLowerCase(Locale.ROOT);
        if (cacheControl.contains("no-store") || cacheControl.contains("no-cache")) {
            return Duration.ZERO;
        }
        Matcher maxAge = MAX_AGE.matcher(cacheControl);
        if (maxAge.find()) {
            try {
                Duration allowed = Duration.ofSeconds(Long.parseLong(maxAge.group(1)));
                return allowed.compareTo(ttl) < 0 ? allowed : ttl;
            } catch (NumberFormatException e) {
                return Duration.ZERO;
            }
        }
        return ttl;
    }

    private static List<JsonWebKey> parse(String json) throws KeysUnavailable {
        try {
            return new JsonWebKeySet(json).getJsonWebKeys();
        } catch (JoseException | RuntimeException e) {
            throw new KeysUnavailable("the client's JWKS is not a valid JWK Set");
        }
    }
}
