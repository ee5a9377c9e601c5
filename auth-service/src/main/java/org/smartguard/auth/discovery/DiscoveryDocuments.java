package org.smartguard.auth.discovery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Path;

import org.smartguard.auth.authorize.AuthorizeResource;
import org.smartguard.auth.clients.ClientAssertionVerifier;
import org.smartguard.auth.introspect.IntrospectionResource;
import org.smartguard.auth.keys.JwksResource;
import org.smartguard.auth.registration.RegistrationResource;
import org.smartguard.auth.revoke.RevocationResource;
import org.smartguard.auth.token.Grant;
import org.smartguard.auth.token.TokenResource;
import org.smartguard.auth.userinfo.UserInfoResource;
import org.smartguard.commons.scope.NonClinicalScope;
import org.smartguard.commons.scope.ScopeContext;
import org.smartguard.commons.urls.PublicUrls;

/**
 * The OpenID Connect discovery document and the SMART configuration, built from the code so they cannot drift
 * from what exists: the grant types are the registered {@link Grant} beans, endpoint URLs come from the resources'
 * paths under the public issuer URL, and the scopes from the shared scope model.
 */
@ApplicationScoped
public class DiscoveryDocuments {

    /** SMART App Launch 2.x capabilities of this server (issue 3). */
    static final List<String> CAPABILITIES = List.of(
            "launch-ehr", "launch-standalone",
            "client-public", "client-confidential-symmetric", "client-confidential-asymmetric",
            "context-banner", "context-style",
            "context-ehr-patient", "context-ehr-encounter", "context-standalone-patient",
            "permission-offline", "permission-online", "permission-patient", "permission-user",
            "permission-v1", "permission-v2",
            "sso-openid-connect", "authorize-post");

    /** The methods a client authenticates with at the token endpoint; public clients use none (PKCE instead). */
    private static final List<String> CLIENT_AUTH_METHODS = List.of("client_secret_basic", "private_key_jwt");
    private static final String NO_CLIENT_AUTH = "none";

    private final PublicUrls urls;
    private final List<String> grantTypes;

    DiscoveryDocuments(PublicUrls urls, Instance<Grant> grants) {
        this.urls = urls;
        this.grantTypes = grants.stream().map(Grant::grantType).sorted().toList();
    }

    /** {@code /.well-known/openid-configuration} (OpenID Connect Discovery 1.0 §3). */
    public Map<String, Object> openidConfiguration() {
        Map<String, Object> document = common();
        List<String> methods = new ArrayList<>(CLIENT_AUTH_METHODS);
        methods.add(NO_CLIENT_AUTH);
        document.put("token_endpoint_auth_methods_supported", methods);
        return document;
    }

    /** {@code /.well-known/smart-configuration} (SMART App Launch 2.x §"SMART configuration"). */
    public Map<String, Object> smartConfiguration() {
        Map<String, Object> document = common();
        document.put("token_endpoint_auth_methods_supported", CLIENT_AUTH_METHODS);
        document.put("capabilities", CAPABILITIES);
        return document;
    }

    private Map<String, Object> common() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", urls.issuer());
        document.put("authorization_endpoint", endpoint(AuthorizeResource.class));
        document.put("token_endpoint", endpoint(TokenResource.class));
        document.put("jwks_uri", endpoint(JwksResource.class));
        document.put("registration_endpoint", endpoint(RegistrationResource.class));
        document.put("introspection_endpoint", endpoint(IntrospectionResource.class));
        document.put("revocation_endpoint", endpoint(RevocationResource.class));
        document.put("userinfo_endpoint", endpoint(UserInfoResource.class));
        document.put("grant_types_supported", grantTypes);
        document.put("token_endpoint_auth_signing_alg_values_supported", ClientAssertionVerifier.SIGNING_ALGORITHMS);
        document.put("id_token_signing_alg_values_supported", List.of("RS256"));
        document.put("scopes_supported", scopesSupported());
        document.put("response_types_supported", List.of("code"));
        document.put("code_challenge_methods_supported", List.of("S256"));
        document.put("subject_types_supported", List.of("public"));
        document.put("claims_supported", List.of("iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "fhirUser", "name"));
        return document;
    }

    /** Every non-clinical scope, and the wildcard clinical scopes of each context in v1 and v2 syntax. */
    private static List<String> scopesSupported() {
        List<String> scopes = new ArrayList<>(Arrays.stream(NonClinicalScope.values()).map(NonClinicalScope::toString).toList());
        for (ScopeContext context : ScopeContext.values()) {
            for (String permissions : List.of("read", "write", "rs", "cruds")) {
                scopes.add(context.prefix() + "/*." + permissions);
            }
        }
        return scopes;
    }

    private String endpoint(Class<?> resource) {
        return urls.auth(resource.getAnnotation(Path.class).value());
    }
}
