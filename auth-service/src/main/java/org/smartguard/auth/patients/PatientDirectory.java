package org.smartguard.auth.patients;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.smartguard.auth.config.AuthConfig;
import org.smartguard.auth.keys.TokenSigner;
import org.smartguard.commons.urls.PublicUrls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Finds patients for a practitioner's patient picker by asking the FHIR server, as the backend client
 * {@code auth-service} with a one-minute token for {@code system/Patient.rs} that it signs itself. The FHIR server
 * enforces and audits these searches like any other client's.
 */
@ApplicationScoped
public class PatientDirectory {

    private static final Logger LOG = Logger.getLogger(PatientDirectory.class);
    private static final int MAX_RESULTS = 20;

    /** One line of the picker. */
    public record PatientSummary(String id, String name, String birthDate) {
    }

    private final URI fhirBase;
    private final TokenSigner signer;
    private final PublicUrls urls;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    PatientDirectory(AuthConfig config, TokenSigner signer, PublicUrls urls, ObjectMapper json) {
        this.fhirBase = config.fhirInternalUrl();
        this.signer = signer;
        this.urls = urls;
        this.json = json;
    }

    /** Patients whose name starts with {@code name} (FHIR string search), at most 20; empty when the server is away. */
    public List<PatientSummary> search(String name) {
        JsonNode bundle = get("/Patient?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&_count=" + MAX_RESULTS);
        List<PatientSummary> found = new ArrayList<>();
        if (bundle != null) {
            for (JsonNode entry : bundle.path("entry")) {
                JsonNode patient = entry.path("resource");
                found.add(new PatientSummary(patient.path("id").asText(), displayName(patient.path("name").path(0)),
                        patient.path("birthDate").asText("")));
            }
        }
        return found;
    }

    public boolean exists(String id) {
        return get("/Patient/" + id) != null;
    }

    private JsonNode get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(fhirBase + path))
                .timeout(Duration.ofSeconds(5))
                .header("Accept", "application/fhir+json")
                .header("Authorization", "Bearer " + token())
                .GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            LOG.warnf("FHIR server unreachable for the patient picker: %s", e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String token() {
        Instant now = Instant.now();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(urls.issuer());
        claims.setSubject("auth-service");
        claims.setAudience(urls.fhirBase());
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(now.plusSeconds(60).getEpochSecond()));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setClaim("client_id", "auth-service");
        claims.setClaim("scope", "system/Patient.rs");
        return signer.sign(claims, TokenSigner.ACCESS_TOKEN_TYPE);
    }

    private static String displayName(JsonNode name) {
        if (name.hasNonNull("text")) {
            return name.get("text").asText();
        }
        List<String> parts = new ArrayList<>();
        name.path("given").forEach(given -> parts.add(given.asText()));
        if (name.hasNonNull("family")) {
            parts.add(name.get("family").asText());
        }
        return parts.isEmpty() ? "(no name)" : String.join(" ", parts);
    }
}
