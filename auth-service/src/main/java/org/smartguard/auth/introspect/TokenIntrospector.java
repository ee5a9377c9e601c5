package org.smartguard.auth.introspect;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.auth.token.AccessTokenVerifier;
import org.smartguard.auth.token.RefreshToken;
import org.smartguard.commons.urls.PublicUrls;

/**
 * The RFC 7662 answer for one token: our access tokens (verified like any resource server would, denylist
 * included) and our refresh tokens (active while not used, revoked or expired). Launch context is echoed as the
 * token response gave it (bare patient id, SMART's introspection profile); {@code fhirUser} is the absolute URL,
 * as in the id_token.
 */
@ApplicationScoped
public class TokenIntrospector {

    private static final Map<String, Object> INACTIVE = Map.of("active", false);

    private final AccessTokenVerifier accessTokens;
    private final PublicUrls urls;

    TokenIntrospector(AccessTokenVerifier accessTokens, PublicUrls urls) {
        this.accessTokens = accessTokens;
        this.urls = urls;
    }

    public Map<String, Object> introspect(String token) {
        return accessToken(token).or(() -> refreshToken(token)).orElse(INACTIVE);
    }

    private Optional<Map<String, Object>> accessToken(String token) {
        return accessTokens.verify(token).map(this::describe);
    }

    private Map<String, Object> describe(JwtClaims claims) {
        try {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("active", true);
            answer.put("scope", claims.getClaimValueAsString("scope"));
            answer.put("client_id", claims.getClaimValueAsString("client_id"));
            answer.put("sub", claims.getSubject());
            answer.put("exp", claims.getExpirationTime().getValue());
            answer.put("iat", claims.getIssuedAt().getValue());
            answer.put("iss", claims.getIssuer());
            answer.put("aud", claims.getClaimValue("aud"));
            answer.put("jti", claims.getJwtId());
            answer.put("token_type", "Bearer");
            putContext(answer, claims.getClaimValueAsString("patient"), claims.getClaimValueAsString("encounter"),
                    claims.getClaimValueAsString("fhirUser"));
            return answer;
        } catch (MalformedClaimException e) {
            throw new IllegalStateException("a verified token of ours has malformed claims", e);
        }
    }

    private Optional<Map<String, Object>> refreshToken(String token) {
        Instant now = Instant.now();
        return RefreshToken.findByHash(SecureTokens.hash(token))
                .filter(row -> row.rotatedAt == null && row.revokedAt == null && row.expiresAt.isAfter(now))
                .map(row -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("active", true);
                    answer.put("scope", row.scope);
                    answer.put("client_id", row.clientId);
                    answer.put("sub", row.subject);
                    answer.put("exp", row.expiresAt.getEpochSecond());
                    answer.put("iat", row.issuedAt.getEpochSecond());
                    answer.put("iss", urls.issuer());
                    putContext(answer, row.patient, row.encounter, row.fhirUser);
                    return answer;
                });
    }

    private void putContext(Map<String, Object> answer, String patient, String encounter, String fhirUser) {
        if (patient != null) {
            answer.put("patient", patient);
        }
        if (encounter != null) {
            answer.put("encounter", encounter);
        }
        if (fhirUser != null) {
            answer.put("fhirUser", urls.fhirBase() + "/" + fhirUser);
        }
    }
}
