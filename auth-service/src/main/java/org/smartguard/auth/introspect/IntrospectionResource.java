package org.smartguard.auth.introspect;

import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.smartguard.auth.oauth.OAuthExceptionMapper;
import org.smartguard.auth.token.TokenRequest;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code POST /auth/introspect} (RFC 7662): for an authenticated caller, whether a token is active and what it
 * grants. Invalid, expired, revoked and unknown tokens are a 200 {@code {"active": false}}, never an error.
 */
@Path("/introspect")
@Blocking
public class IntrospectionResource {

    private final IntrospectionCallers callers;
    private final TokenIntrospector introspector;

    IntrospectionResource(IntrospectionCallers callers, TokenIntrospector introspector) {
        this.callers = callers;
        this.introspector = introspector;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response introspect(MultivaluedMap<String, String> form, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        callers.requireAuthenticated(form, authorization);
        // token_type_hint is ignored (RFC 7662 §2.1 allows it): a JWT and an opaque refresh token cannot be confused
        String token = new TokenRequest(form, Optional.empty()).required("token");
        return OAuthExceptionMapper.noStore(Response.ok(introspector.introspect(token))).build();
    }
}
