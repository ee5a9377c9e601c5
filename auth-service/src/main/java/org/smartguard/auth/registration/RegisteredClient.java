package org.smartguard.auth.registration;

import java.util.List;

import org.smartguard.auth.clients.OAuthClient;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * A registered client as RFC 7591 §3.2.1 answers it. The secret of a {@code client_secret_basic} client appears only
 * in the answer to its creation; only its hash is stored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegisteredClient(
        @JsonProperty("client_id") String clientId,
        @JsonProperty("client_id_issued_at") long clientIdIssuedAt,
        @JsonProperty("client_secret") String clientSecret,
        @JsonProperty("client_secret_expires_at") Long clientSecretExpiresAt,
        @JsonProperty("client_name") String clientName,
        @JsonProperty("token_endpoint_auth_method") String tokenEndpointAuthMethod,
        @JsonProperty("redirect_uris") List<String> redirectUris,
        @JsonProperty("grant_types") List<String> grantTypes,
        @JsonProperty("response_types") List<String> responseTypes,
        @JsonProperty("scope") String scope,
        @JsonProperty("jwks") @JsonRawValue String jwks,
        @JsonProperty("jwks_uri") String jwksUri) {

    /** The client's metadata, without any secret. */
    public static RegisteredClient of(OAuthClient client) {
        return of(client, null);
    }

    /** The answer to a creation: with the generated secret, which never expires, when there is one. */
    public static RegisteredClient of(OAuthClient client, String secret) {
        List<String> grantTypes = client.grantTypes.isBlank() ? List.of() : List.of(client.grantTypes.split(" "));
        return new RegisteredClient(client.clientId, client.createdAt.getEpochSecond(), secret, secret == null ? null : 0L,
                client.name, ClientRegistrar.authMethodOf(client.type), client.redirectUriList(), grantTypes,
                grantTypes.contains(ClientRegistrar.AUTHORIZATION_CODE) ? List.of("code") : List.of(),
                client.allowedScopes, client.jwks, client.jwksUri);
    }
}
