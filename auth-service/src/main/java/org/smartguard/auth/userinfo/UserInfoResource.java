package org.smartguard.auth.userinfo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.smartguard.auth.oauth.BearerCredentials;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.oauth.OAuthExceptionMapper;
import org.smartguard.auth.token.AccessTokenVerifier;
import org.smartguard.auth.users.AppUser;
import org.smartguard.commons.scope.NonClinicalScope;
import org.smartguard.commons.scope.SmartScopes;
import org.smartguard.commons.urls.PublicUrls;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET|POST /auth/userinfo} (OpenID Connect Core §5.3) with an access token that carries {@code openid}:
 * the user's {@code sub} and {@code fhirUser} (absolute, as in the id_token), and {@code name} when {@code profile}
 * was granted.
 */
@Path("/userinfo")
@Blocking
public class UserInfoResource {

    private final AccessTokenVerifier accessTokens;
    private final PublicUrls urls;

    UserInfoResource(AccessTokenVerifier accessTokens, PublicUrls urls) {
        this.accessTokens = accessTokens;
        this.urls = urls;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return userinfo(authorization);
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response post(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return userinfo(authorization);
    }

    private Response userinfo(String authorization) {
        JwtClaims token = BearerCredentials.from(authorization)
                .flatMap(accessTokens::verify)
                .orElseThrow(() -> OAuthException.invalidToken("a valid access token is required"));
        try {
            SmartScopes scopes = SmartScopes.parseLenient(Objects.requireNonNullElse(token.getClaimValueAsString("scope"), "")).understood();
            if (!scopes.contains(NonClinicalScope.OPENID)) {
                throw OAuthException.insufficientScope("userinfo needs a token with the openid scope");
            }
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("sub", token.getSubject());
            String fhirUser = token.getClaimValueAsString("fhirUser");
            if (fhirUser != null) {
                claims.put("fhirUser", urls.fhirBase() + "/" + fhirUser);
            }
            if (scopes.contains(NonClinicalScope.PROFILE)) {
                // sub is the username; the fhirUser check keeps a stale token from naming someone else
                AppUser.findByUsername(token.getSubject())
                        .filter(user -> user.fhirUser.equals(fhirUser) && user.displayName != null)
                        .ifPresent(user -> claims.put("name", user.displayName));
            }
            return OAuthExceptionMapper.noStore(Response.ok(claims)).build();
        } catch (MalformedClaimException e) {
            throw new IllegalStateException("a verified token of ours has malformed claims", e);
        }
    }
}
