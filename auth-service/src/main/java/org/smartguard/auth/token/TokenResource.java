package org.smartguard.auth.token;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.smartguard.auth.clients.ClientAuthenticator;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.oauth.OAuthExceptionMapper;

import io.smallrye.common.annotation.Blocking;

/** {@code POST /auth/token}: authenticates the client, then hands the request to the grant it names. */
@Path("/token")
@Blocking
public class TokenResource {

    private final Map<String, Grant> grants;
    private final ClientAuthenticator clients;

    TokenResource(Instance<Grant> grants, ClientAuthenticator clients) {
        this.grants = grants.stream().collect(Collectors.toMap(Grant::grantType, Function.identity()));
        this.clients = clients;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(MultivaluedMap<String, String> form, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        TokenRequest request = new TokenRequest(form, null);
        String grantType = request.required("grant_type");
        Grant grant = grants.get(grantType);
        if (grant == null) {
            throw OAuthException.badRequest(OAuthError.UNSUPPORTED_GRANT_TYPE, "grant_type " + grantType + " is not supported");
        }
        TokenRequest authenticated = new TokenRequest(form, clients.authenticate(form, authorization));
        authenticated.client().ifPresent(client -> {
            if (!client.allowsGrant(grantType)) {
                throw OAuthException.badRequest(OAuthError.UNAUTHORIZED_CLIENT, "this client may not use " + grantType);
            }
        });
        return OAuthExceptionMapper.noStore(Response.ok(grant.handle(authenticated))).build();
    }

    /** The grant types this server really has, for discovery. */
    public java.util.Set<String> grantTypes() {
        return grants.keySet();
    }
}
