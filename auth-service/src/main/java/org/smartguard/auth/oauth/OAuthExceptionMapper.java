package org.smartguard.auth.oauth;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The auth-service's one error mapper: OAuth refusals become RFC 6749 JSON, anything unexpected a bare
 * {@code server_error} (logged here, never described to the client).
 */
public class OAuthExceptionMapper {

    private static final Logger LOG = Logger.getLogger(OAuthExceptionMapper.class);

    @ServerExceptionMapper
    public Response refusal(OAuthException e) {
        Response.ResponseBuilder response = Response.status(e.status()).entity(body(e.error(), e.description()));
        if (OAuthError.INVALID_TOKEN.equals(e.error()) || OAuthError.INSUFFICIENT_SCOPE.equals(e.error())) {
            // RFC 6750 §3: a refused bearer token is answered with a Bearer challenge naming the error
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"" + e.error() + "\"");
        } else if (e.status() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"smartguard\"");
        }
        return noStore(response).build();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        if (e instanceof jakarta.ws.rs.WebApplicationException web && web.getResponse().getStatus() < 500) {
            return noStore(Response.status(web.getResponse().getStatus())
                    .entity(body(OAuthError.INVALID_REQUEST, "the request is not acceptable here"))).build();
        }
        LOG.error("unexpected failure", e);
        return noStore(Response.serverError().entity(body(OAuthError.SERVER_ERROR, "the server could not complete the request"))).build();
    }

    public static Map<String, String> body(String error, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        if (description != null) {
            body.put("error_description", description);
        }
        return body;
    }

    /** Token and error responses must never be cached (RFC 6749 §5.1). */
    public static Response.ResponseBuilder noStore(Response.ResponseBuilder response) {
        return response.type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Pragma", "no-cache");
    }
}
