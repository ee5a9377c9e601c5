package org.smartguard.auth.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;

/** {@code POST /auth/admin/users}: creates a patient or practitioner user; the password is never answered back. */
@Path("/admin/users")
@AdminOnly
@Blocking
public class AdminUsersResource {

    private final AdminActions actions;

    AdminUsersResource(AdminActions actions) {
        this.actions = actions;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(UserAccounts.NewUser user) {
        return AdminClientsResource.noStore(Response.status(Response.Status.CREATED).entity(actions.createUser(AdminClientsResource.required(user))));
    }
}
