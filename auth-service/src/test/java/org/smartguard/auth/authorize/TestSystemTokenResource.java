package org.smartguard.auth.authorize;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.smartguard.auth.token.GrantContext;
import org.smartguard.auth.token.TokenIssuer;
import org.smartguard.commons.audit.AuditEventType;

import io.smallrye.common.annotation.Blocking;

/**
 * Test-only (src/test): an EHR's backend-services token, issued straight through {@link TokenIssuer} as the
 * client_credentials grant would, inside an HTTP request because issuing is audited with the caller's address.
 */
@Path("/test-support/system-token")
@Blocking
public class TestSystemTokenResource {

    private final TokenIssuer issuer;

    TestSystemTokenResource(TokenIssuer issuer) {
        this.issuer = issuer;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> issue(@FormParam("scope") String scope) {
        String ehr = "ehr-" + UUID.randomUUID();
        GrantContext grant = new GrantContext(UUID.randomUUID().toString(), ehr, ehr, null, scope, null, null, List.of(),
                false, null, null);
        return issuer.issue(grant, false, AuditEventType.TOKEN_ISSUED);
    }
}
