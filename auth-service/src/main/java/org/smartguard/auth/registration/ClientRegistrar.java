package org.smartguard.auth.registration;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.smartguard.auth.clients.ClientType;
import org.smartguard.auth.clients.JwksUriPolicy;
import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.oauth.SecureTokens;
import org.smartguard.auth.token.RefreshToken;
import org.smartguard.commons.scope.ClinicalScope;
import org.smartguard.commons.scope.ScopeContext;
import org.smartguard.commons.scope.ScopeParseException;
import org.smartguard.commons.scope.SmartScope;
import org.smartguard.commons.scope.SmartScopes;

/**
 * Validates client metadata (RFC 7591 §2) and stores the client: the one place that decides what a client may be,
 * for open registration, registration with the admin credential, the admin API and the demo data alike. Callers
 * that act for a request audit the change in the same transaction.
 * <ul>
 * <li>public ({@code none}) and symmetric ({@code client_secret_basic}) clients: authorization_code (+ refresh_token)
 * with redirect URIs, no keys;</li>
 * <li>asymmetric ({@code private_key_jwt}) clients: exactly one of jwks and jwks_uri; client_credentials and/or
 * authorization_code (+ refresh_token);</li>
 * <li>{@code system/} scopes only with client_credentials, every other scope only with authorization_code.</li>
 * </ul>
 */
@ApplicationScoped
public class ClientRegistrar {

    public static final String AUTHORIZATION_CODE = "authorization_code";
    public static final String REFRESH_TOKEN = "refresh_token";
    public static final String CLIENT_CREDENTIALS = "client_credentials";

    /** Who asks for the registration, which bounds what may be registered. */
    public enum Authority {
        /** {@code POST /auth/register} without credential: public and asymmetric user-facing apps only. */
        OPEN,
        /** {@code POST /auth/register} with the admin credential as initial access token: also client_credentials. */
        INITIAL_ACCESS_TOKEN,
        /** the admin API: anything, including client_secret_basic clients and a chosen client_id. */
        ADMIN
    }

    /** A stored client, and its secret when one was just generated (shown once, never stored). */
    public record Registration(OAuthClient client, String secret) {
    }

    private record ValidClient(ClientType type, String name, List<String> redirectUris, List<String> grantTypes,
            String scope, String jwks, String jwksUri) {
    }

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");
    private static final int MAX_NAME = 200;

    private final JwksUriPolicy jwksUris;

    ClientRegistrar(JwksUriPolicy jwksUris) {
        this.jwksUris = jwksUris;
    }

    @Transactional
    public Registration register(ClientMetadata metadata, Authority authority) {
        ValidClient valid = validate(metadata, authority);
        String clientId = authority == Authority.ADMIN && metadata.clientId() != null ? chosenClientId(metadata.clientId()) : SecureTokens.random();
        OAuthClient client = new OAuthClient();
        client.clientId = clientId;
        client.type = valid.type();
        apply(valid, client);
        String secret = null;
        if (valid.type() == ClientType.CONFIDENTIAL_SYMMETRIC) {
            secret = SecureTokens.random();
            client.secretHash = SecureTokens.hash(secret);
        }
        client.persist();
        return new Registration(client, secret);
    }

    /** Replaces a client's metadata; its authentication method, and so its secret or keys kind, cannot change. */
    @Transactional
    public OAuthClient update(String clientId, ClientMetadata metadata) {
        OAuthClient client = OAuthClient.findByClientId(clientId).orElseThrow(ClientRegistrar::noSuchClient);
        ValidClient valid = validate(metadata, Authority.ADMIN);
        if (valid.type() != client.type) {
            throw invalidMetadata("token_endpoint_auth_method cannot change; delete the client and create it anew");
        }
        apply(valid, client);
        return client;
    }

    /** Deletes a client and its refresh tokens; its access tokens expire within their short lifetime. */
    @Transactional
    public void delete(String clientId) {
        OAuthClient client = OAuthClient.findByClientId(clientId).orElseThrow(ClientRegistrar::noSuchClient);
        RefreshToken.delete("clientId", clientId);
        client.delete();
    }

    public static OAuthException noSuchClient() {
        return new OAuthException(404, OAuthError.INVALID_REQUEST, "no client with this client_id");
    }

    public static String authMethodOf(ClientType type) {
        return switch (type) {
            case PUBLIC -> ClientMetadata.AUTH_NONE;
            case CONFIDENTIAL_SYMMETRIC -> ClientMetadata.AUTH_CLIENT_SECRET_BASIC;
            case CONFIDENTIAL_ASYMMETRIC -> ClientMetadata.AUTH_PRIVATE_KEY_JWT;
        };
    }

    private static void apply(ValidClient valid, OAuthClient client) {
        client.name = valid.name() != null ? valid.name() : client.clientId;
        client.redirectUris = String.join("\n", valid.redirectUris());
        client.grantTypes = String.join(" ", valid.grantTypes());
        client.allowedScopes = valid.scope();
        client.jwks = valid.jwks();
        client.jwksUri = valid.jwksUri();
    }

    private ValidClient validate(ClientMetadata metadata, Authority authority) {
        ClientType type = type(metadata.tokenEndpointAuthMethod(), authority);
        List<String> grantTypes = grantTypes(metadata.grantTypes(), type, authority);
        boolean authorizationCode = grantTypes.contains(AUTHORIZATION_CODE);
        checkResponseTypes(metadata.responseTypes(), authorizationCode);
        List<String> redirectUris;
        if (authorizationCode) {
            redirectUris = RedirectUris.validated(metadata.redirectUris());
        } else if (metadata.redirectUris() == null || metadata.redirectUris().isEmpty()) {
            redirectUris = List.of();
        } else {
            throw OAuthException.badRequest(OAuthError.INVALID_REDIRECT_URI, "redirect_uris are only for the authorization_code grant");
        }
        String jwks = null;
        String jwksUri = null;
        if (type == ClientType.CONFIDENTIAL_ASYMMETRIC) {
            boolean hasJwks = metadata.jwks() != null && !metadata.jwks().isNull();
            if (hasJwks == (metadata.jwksUri() != null)) {
                throw invalidMetadata("a private_key_jwt client registers exactly one of jwks and jwks_uri");
            }
            if (hasJwks) {
                jwks = PublicJwks.validated(metadata.jwks());
            } else {
                jwksUri = metadata.jwksUri();
                jwksUris.problem(jwksUri).ifPresent(problem -> {
                    throw invalidMetadata(problem);
                });
            }
        } else if ((metadata.jwks() != null && !metadata.jwks().isNull()) || metadata.jwksUri() != null) {
            throw invalidMetadata("jwks and jwks_uri are only for private_key_jwt clients");
        }
        String scope = scope(metadata.scope(), grantTypes);
        return new ValidClient(type, name(metadata.clientName()), redirectUris, grantTypes, scope, jwks, jwksUri);
    }

    private static ClientType type(String authMethod, Authority authority) {
        if (authMethod == null) {
            throw invalidMetadata("token_endpoint_auth_method is required: none or private_key_jwt");
        }
        return switch (authMethod) {
            case ClientMetadata.AUTH_NONE -> ClientType.PUBLIC;
            case ClientMetadata.AUTH_PRIVATE_KEY_JWT -> ClientType.CONFIDENTIAL_ASYMMETRIC;
            case ClientMetadata.AUTH_CLIENT_SECRET_BASIC -> {
                if (authority != Authority.ADMIN) {
                    throw invalidMetadata("client_secret_basic clients are created through the admin API only");
                }
                yield ClientType.CONFIDENTIAL_SYMMETRIC;
            }
            default -> throw invalidMetadata("token_endpoint_auth_method must be none, private_key_jwt or client_secret_basic");
        };
    }

    private static List<String> grantTypes(List<String> requested, ClientType type, Authority authority) {
        List<String> grantTypes = requested == null ? List.of(AUTHORIZATION_CODE) : requested;
        if (grantTypes.stream().anyMatch(java.util.Objects::isNull)) {
            throw invalidMetadata("grant_types must be strings");
        }
        Set<String> allowed = type == ClientType.CONFIDENTIAL_ASYMMETRIC
                ? Set.of(AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS)
                : Set.of(AUTHORIZATION_CODE, REFRESH_TOKEN);
        if (grantTypes.isEmpty() || !allowed.containsAll(grantTypes) || new HashSet<>(grantTypes).size() != grantTypes.size()) {
            throw invalidMetadata("grant_types for a " + authMethodOf(type) + " client are " + String.join(", ", allowed.stream().sorted().toList())
                    + " (each at most once)");
        }
        if (grantTypes.contains(REFRESH_TOKEN) && !grantTypes.contains(AUTHORIZATION_CODE)) {
            throw invalidMetadata("refresh_token comes only with authorization_code");
        }
        if (grantTypes.contains(CLIENT_CREDENTIALS) && authority == Authority.OPEN) {
            throw invalidMetadata("client_credentials (system access) needs an initial access token: register with "
                    + "Authorization: Bearer <admin credential>, or use the admin API");
        }
        return List.copyOf(grantTypes);
    }

    private static void checkResponseTypes(List<String> responseTypes, boolean authorizationCode) {
        if (responseTypes == null) {
            return;
        }
        if (authorizationCode ? !responseTypes.equals(List.of("code")) : !responseTypes.isEmpty()) {
            throw invalidMetadata("response_types must be [\"code\"] with authorization_code, and empty without it");
        }
    }

    /** The scopes the client may be granted; each kind needs the grant that can issue it. */
    private static String scope(String scope, List<String> grantTypes) {
        if (scope == null || scope.isBlank()) {
            throw invalidMetadata("scope is required: the scopes this client may ask for");
        }
        SmartScopes scopes;
        try {
            scopes = SmartScopes.parse(scope);
        } catch (ScopeParseException e) {
            throw invalidMetadata("scope: " + e.getMessage());
        }
        for (SmartScope each : scopes.asList()) {
            boolean system = each instanceof ClinicalScope clinical && clinical.context() == ScopeContext.SYSTEM;
            if (system && !grantTypes.contains(CLIENT_CREDENTIALS)) {
                throw invalidMetadata("system/ scopes need the client_credentials grant");
            }
            if (!system && !grantTypes.contains(AUTHORIZATION_CODE)) {
                throw invalidMetadata("scope " + each + " needs the authorization_code grant");
            }
        }
        return scopes.toString();
    }

    private static String name(String name) {
        if (name == null) {
            return null;
        }
        if (name.isBlank() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw invalidMetadata("client_name must be 1 to " + MAX_NAME + " printable characters");
        }
        return name;
    }

    private static String chosenClientId(String clientId) {
        if (!CLIENT_ID.matcher(clientId).matches()) {
            throw invalidMetadata("client_id must be 1 to 128 characters of A-Z a-z 0-9 . _ ~ -");
        }
        if (OAuthClient.findByClientId(clientId).isPresent()) {
            throw new OAuthException(409, OAuthError.INVALID_CLIENT_METADATA, "client_id is already registered");
        }
        return clientId;
    }

    private static OAuthException invalidMetadata(String description) {
        return OAuthException.badRequest(OAuthError.INVALID_CLIENT_METADATA, description);
    }
}
