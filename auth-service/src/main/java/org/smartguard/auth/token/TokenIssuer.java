package org.smartguard.auth.token;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.smartguard.auth.audit.AuthAudit;
import org.smartguard.auth.config.AuthConfig;
import org.smartguard.auth.keys.TokenSigner;
import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.urls.PublicUrls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns a {@link GrantContext} into a token response: a JWT access token (claims as DESIGN.md lists them), a
 * refresh token when {@code offline_access} or {@code online_access} was granted (never for backend services), an
 * id_token when {@code openid} was granted, and the SMART launch context. Every issue is audited.
 */
@ApplicationScoped
public class TokenIssuer {

    public static final String OFFLINE_ACCESS = "offline_access";
    public static final String ONLINE_ACCESS = "online_access";

    private final AuthConfig config;
    private final PublicUrls urls;
    private final TokenSigner signer;
    private final RevokedTokens revoked;
    private final AuthAudit audit;
    private final ObjectMapper json;

    TokenIssuer(AuthConfig config, PublicUrls urls, TokenSigner signer, RevokedTokens revoked, AuthAudit audit, ObjectMapper json) {
        this.config = config;
        this.urls = urls;
        this.signer = signer;
        this.revoked = revoked;
        this.audit = audit;
        this.json = json;
    }

    /**
     * @param allowRefresh false for grants that must never yield a refresh token (client_credentials)
     * @param type         what the audit records: TOKEN_ISSUED or TOKEN_REFRESHED
     */
    @Transactional
    public Map<String, Object> issue(GrantContext grant, boolean allowRefresh, AuditEventType type) {
        Instant now = Instant.now();
        Instant expires = now.plus(config.accessTokenLifetime());
        String jti = UUID.randomUUID().toString();
        String accessToken = signer.sign(accessClaims(grant, jti, now, expires), TokenSigner.ACCESS_TOKEN_TYPE);
        revoked.recordIssued(grant.familyId(), jti, expires);

        Map<String, Object> response = new LinkedHashMap<>();
        response.put("access_token", accessToken);
        response.put("token_type", "Bearer");
        response.put("expires_in", config.accessTokenLifetime().toSeconds());
        response.put("scope", grant.scope());
        if (allowRefresh && (grant.hasScope(OFFLINE_ACCESS) || grant.hasScope(ONLINE_ACCESS))) {
            response.put("refresh_token", newRefreshToken(grant, now));
        }
        if (grant.hasScope("openid") && grant.fhirUser() != null) {
            response.put("id_token", signer.sign(idClaims(grant, now, expires), TokenSigner.ID_TOKEN_TYPE));
        }
        if (grant.patient() != null) {
            response.put("patient", grant.patient());
        }
        if (grant.encounter() != null) {
            response.put("encounter", grant.encounter());
        }
        if (grant.fhirContext() != null && !grant.fhirContext().isEmpty()) {
            response.put("fhirContext", grant.fhirContext());
        }
        if (grant.fhirUser() != null) {
            response.put("need_patient_banner", grant.needPatientBanner());
            response.put("smart_style_url", urls.auth("/smart-style.json"));
        }
        audit.record(type, AuditOutcome.SUCCESS, type == AuditEventType.TOKEN_REFRESHED ? "token-refreshed" : "token-issued",
                grant.clientId(), event -> event
                        .user(grant.fhirUser() == null ? null : urls.issuer(), grant.fhirUser() == null ? null : grant.subject(), grant.fhirUser())
                        .tokenId(jti)
                        .patient(grant.patient()));
        return response;
    }

    private JwtClaims accessClaims(GrantContext grant, String jti, Instant now, Instant expires) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(urls.issuer());
        claims.setSubject(grant.subject());
        claims.setAudience(urls.fhirBase());
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
        claims.setJwtId(jti);
        claims.setClaim("client_id", grant.clientId());
        claims.setClaim("scope", grant.scope());
        putIfPresent(claims, "patient", grant.patient());
        putIfPresent(claims, "encounter", grant.encounter());
        putIfPresent(claims, "fhirUser", grant.fhirUser());
        return claims;
    }

    private JwtClaims idClaims(GrantContext grant, Instant now, Instant expires) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(urls.issuer());
        claims.setSubject(grant.subject());
        claims.setAudience(grant.clientId());
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
        putIfPresent(claims, "nonce", grant.nonce());
        if (grant.authTime() != null) {
            claims.setClaim("auth_time", grant.authTime().getEpochSecond());
        }
        if (grant.hasScope("fhirUser")) {
            claims.setClaim("fhirUser", urls.fhirBase() + "/" + grant.fhirUser());
        }
        return claims;
    }

    private String newRefreshToken(GrantContext grant, Instant now) {
        String token = SecureTokens.random();
        RefreshToken row = new RefreshToken();
        row.tokenHash = SecureTokens.hash(token);
        row.familyId = grant.familyId();
        row.clientId = grant.clientId();
        row.subject = grant.subject();
        row.fhirUser = grant.fhirUser();
        row.scope = grant.scope();
        row.patient = grant.patient();
        row.encounter = grant.encounter();
        row.fhirContext = toJson(grant.fhirContext());
        row.needPatientBanner = grant.needPatientBanner();
        row.authTime = grant.authTime();
        row.issuedAt = now;
        row.expiresAt = now.plus(grant.hasScope(OFFLINE_ACCESS) ? config.offlineRefreshLifetime() : config.onlineRefreshLifetime());
        row.persist();
        return token;
    }

    private String toJson(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putIfPresent(JwtClaims claims, String name, String value) {
        if (value != null) {
            claims.setClaim(name, value);
        }
    }
}
