package org.smartguard.auth.admin;

import java.util.Map;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;

/** {@code POST /auth/admin/keys/rotate}: replaces the signing key now (e.g. after a suspected leak). */
@Path("/admin/keys")
@AdminOnly
@Blocking
public class AdminKeysResource {

    private final AdminActions actions;

    AdminKeysResource(AdminActions actions) {
        this.actions = actions;
    }

    @POST
    @Path("/rotate")
    @Produces(MediaType.APPLICATION_JSON)
    public Response rotate() {
        return AdminClientsResource.noStore(Response.ok(Map.of("kid", actions.rotateSigningKey())));
    }
}
