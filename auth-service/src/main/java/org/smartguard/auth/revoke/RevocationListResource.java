package org.smartguard.auth.revoke;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /auth/revocations}: the revoked access tokens that have not expired yet, as SHA-256 hashes of their jtis
 * with their expiry, for token verifiers whose Redis is unreachable. Public like the JWKS: a hash of a random jti
 * names no token anyone could use, so it is also reachable through the gateway; cacheable for a second.
 */
@Path("/revocations")
@Blocking
public class RevocationListResource {

    private final RevocationList list;

    RevocationListResource(RevocationList list) {
        this.list = list;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response revocations() {
        return Response.ok(list.current()).header("Cache-Control", "public, max-age=1").build();
    }
}
