package org.smartguard.auth.grants;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.auth.token.GrantContext;
import org.smartguard.auth.token.TokenIssuer;
import org.smartguard.commons.audit.AuditEventType;

import io.smallrye.common.annotation.Blocking;

/**
 * Test-only (src/test): issues tokens as a finished authorization would, inside an HTTP request, because
 * {@link TokenIssuer} audits and the audit reads the caller's address from the current request.
 */
@Path("/test-support/issue")
@Blocking
public class TestTokenIssuingResource {

    private final TokenIssuer issuer;

    TestTokenIssuingResource(TokenIssuer issuer) {
        this.issuer = issuer;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> issue(@FormParam("client_id") String clientId, @FormParam("username") String username,
            @FormParam("fhir_user") String fhirUser, @FormParam("scope") String scope) {
        String patient = fhirUser.startsWith("Patient/") ? fhirUser.substring("Patient/".length()) : null;
        GrantContext grant = new GrantContext(SecureTokens.random(), clientId, username, fhirUser, scope, patient, null,
                List.of(), true, null, Instant.now());
        return issuer.issue(grant, true, AuditEventType.TOKEN_ISSUED);
    }
}
