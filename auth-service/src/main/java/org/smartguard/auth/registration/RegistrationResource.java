package org.smartguard.auth.registration;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.smartguard.auth.admin.AdminCredential;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.oauth.OAuthExceptionMapper;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code POST /auth/register}: RFC 7591 dynamic client registration. Open for public ({@code none}) and asymmetric
 * ({@code private_key_jwt}) user-facing apps. A client that wants {@code client_credentials}, and with it
 * {@code system/} access to every patient's data, must present the admin credential as initial access token
 * (RFC 7591 §3): open registration of system access would hand out the whole database.
 */
@Path("/register")
@Blocking
public class RegistrationResource {

    private final DynamicRegistration registration;
    private final AdminCredential adminCredential;

    RegistrationResource(DynamicRegistration registration, AdminCredential adminCredential) {
        this.registration = registration;
        this.adminCredential = adminCredential;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response register(ClientMetadata metadata, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        ClientRegistrar.Authority authority = ClientRegistrar.Authority.OPEN;
        if (authorization != null) {
            if (!adminCredential.presentedIn(authorization)) {
                return AdminCredential.unauthorized();
            }
            authority = ClientRegistrar.Authority.INITIAL_ACCESS_TOKEN;
        }
        if (metadata == null) {
            throw OAuthException.badRequest(OAuthError.INVALID_CLIENT_METADATA, "the body must be a JSON object of client metadata");
        }
        return OAuthExceptionMapper.noStore(Response.status(Response.Status.CREATED).entity(registration.register(metadata, authority))).build();
    }
}
