package org.smartguard.auth.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.oauth.OAuthExceptionMapper;
import org.smartguard.auth.registration.ClientMetadata;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code /auth/admin/clients}: create (any client type, with a chosen client_id if wanted; a client_secret_basic
 * client's secret is in this answer only), list, read, replace and delete clients.
 */
@Path("/admin/clients")
@AdminOnly
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class AdminClientsResource {

    private final AdminActions actions;

    AdminClientsResource(AdminActions actions) {
        this.actions = actions;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(ClientMetadata metadata) {
        return noStore(Response.status(Response.Status.CREATED).entity(actions.createClient(required(metadata))));
    }

    @GET
    public Response list() {
        return noStore(Response.ok(actions.listClients()));
    }

    @GET
    @Path("/{clientId}")
    public Response get(@PathParam("clientId") String clientId) {
        return noStore(Response.ok(actions.client(clientId)));
    }

    @PUT
    @Path("/{clientId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("clientId") String clientId, ClientMetadata metadata) {
        return noStore(Response.ok(actions.updateClient(clientId, required(metadata))));
    }

    @DELETE
    @Path("/{clientId}")
    public Response delete(@PathParam("clientId") String clientId) {
        actions.deleteClient(clientId);
        return Response.noContent().build();
    }

    static <T> T required(T body) {
        if (body == null) {
            throw OAuthException.badRequest(OAuthError.INVALID_REQUEST, "a JSON body is required");
        }
        return body;
    }

    static Response noStore(Response.ResponseBuilder response) {
        return OAuthExceptionMapper.noStore(response).build();
    }
}
