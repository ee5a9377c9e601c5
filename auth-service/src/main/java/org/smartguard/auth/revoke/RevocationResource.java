package org.smartguard.auth.revoke;

import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.smartguard.auth.clients.ClientAuthenticator;
import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.oauth.OAuthExceptionMapper;
import org.smartguard.auth.token.TokenRequest;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code POST /auth/revoke} (RFC 7009): the client authenticates as at the token endpoint (a public client names
 * itself with {@code client_id}) and revokes one of its tokens. Unknown, expired or already revoked tokens are a
 * plain 200 (§2.2): the client's aim, that the token is unusable, holds.
 */
@Path("/revoke")
@Blocking
public class RevocationResource {

    private final ClientAuthenticator clients;
    private final TokenRevocation revocation;

    RevocationResource(ClientAuthenticator clients, TokenRevocation revocation) {
        this.clients = clients;
        this.revocation = revocation;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(MultivaluedMap<String, String> form, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        OAuthClient client = clients.authenticate(form, authorization)
                .orElseThrow(() -> OAuthException.invalidClient("client authentication is required"));
        // token_type_hint is ignored (RFC 7009 §2.1 allows it): a JWT and an opaque refresh token cannot be confused
        String token = new TokenRequest(form, Optional.of(client)).required("token");
        revocation.revoke(token, client);
        return OAuthExceptionMapper.noStore(Response.ok()).build();
    }
}
