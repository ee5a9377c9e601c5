package org.smartguard.auth.introspect;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedMap;

import org.smartguard.auth.admin.AdminCredential;
import org.smartguard.auth.clients.ClientAuthenticator;
import org.smartguard.auth.clients.ClientType;
import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.oauth.BearerCredentials;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.token.AccessTokenVerifier;

/**
 * Who may introspect (RFC 7662 §2.1 requires some authorization, to stop token scanning): a confidential client
 * authenticating as at the token endpoint, or a Bearer credential that is either the admin token or a valid access
 * token of a confidential client (a resource server or backend service, as SMART's introspection asks). Public
 * clients cannot authenticate, so they cannot introspect.
 */
@ApplicationScoped
public class IntrospectionCallers {

    private final ClientAuthenticator clients;
    private final AccessTokenVerifier accessTokens;
    private final AdminCredential admin;

    IntrospectionCallers(ClientAuthenticator clients, AccessTokenVerifier accessTokens, AdminCredential admin) {
        this.clients = clients;
        this.accessTokens = accessTokens;
        this.admin = admin;
    }

    /** @throws OAuthException 401 invalid_client or invalid_token when the caller is not allowed */
    public void requireAuthenticated(MultivaluedMap<String, String> form, String authorization) {
        Optional<String> bearer = BearerCredentials.from(authorization);
        if (bearer.isPresent()) {
            if (admin.presentedIn(authorization) || isConfidentialClientToken(bearer.get())) {
                return;
            }
            throw OAuthException.invalidToken("the bearer token may not introspect");
        }
        clients.authenticate(form, authorization)
                .filter(client -> client.type != ClientType.PUBLIC)
                .orElseThrow(() -> OAuthException.invalidClient("introspection requires client authentication"));
    }

    private boolean isConfidentialClientToken(String credential) {
        return accessTokens.verify(credential)
                .map(claims -> claims.getClaimValueAsString("client_id"))
                .flatMap(OAuthClient::findByClientId)
                .filter(client -> client.type != ClientType.PUBLIC)
                .isPresent();
    }
}
