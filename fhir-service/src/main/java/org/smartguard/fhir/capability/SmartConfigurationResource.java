package org.smartguard.fhir.capability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.security.FhirAuthConfig;

/**
 * {@code GET /fhir/.well-known/smart-configuration}: the authorization server's SMART configuration, fetched from
 * the auth-service (which builds it from its code) and cached for a minute, so the document has one author.
 */
@Path("/.well-known/smart-configuration")
@ApplicationScoped
public class SmartConfigurationResource {

    private static final Duration CACHE = Duration.ofMinutes(1);

    private final URI source;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile String cached;
    private volatile Instant fetchedAt = Instant.EPOCH;

    SmartConfigurationResource(FhirAuthConfig config) {
        this.source = config.smartConfigurationUri();
    }

    /** JSON whatever the Accept header says (SMART discovery clients send all sorts). */
    @GET
    public Response smartConfiguration() throws InterruptedException {
        if (cached == null || Instant.now().isAfter(fetchedAt.plus(CACHE))) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(source).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    cached = response.body();
                    fetchedAt = Instant.now();
                }
            } catch (java.io.IOException e) {
                // keep serving the last good document
            }
        }
        if (cached == null) {
            throw new FhirException(503, "transient", "SG-FHIR-503-SMART-CONFIG", "the authorization server's configuration is unavailable");
        }
        return Response.ok(cached, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
