package org.smartguard.audit.integrity;

import java.sql.SQLException;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.smartguard.audit.access.AuditApiException;
import org.smartguard.audit.access.CallerContext;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /audit/integrity} (security staff): verifies every hash chain of the store and reports the first broken
 * link of each; {@code ?searchKeys=true} also checks every event's search keys against its payload (much slower).
 */
@Path("/integrity")
public class IntegrityResource {

    private final ChainVerifier verifier;
    private final CallerContext callers;

    IntegrityResource(ChainVerifier verifier, CallerContext callers) {
        this.verifier = verifier;
        this.callers = callers;
    }

    @GET
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    public IntegrityReport verify(@QueryParam("searchKeys") String searchKeys) throws SQLException {
        callers.staff();
        if (searchKeys != null && !searchKeys.equals("true") && !searchKeys.equals("false")) {
            throw AuditApiException.badParameter("searchKeys is true or false");
        }
        return verifier.verify("true".equals(searchKeys));
    }
}
