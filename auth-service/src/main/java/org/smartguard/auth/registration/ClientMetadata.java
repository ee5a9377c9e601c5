package org.smartguard.auth.registration;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Client metadata as RFC 7591 §2 names it, as received (unchecked: {@link ClientRegistrar} validates it). Unknown
 * members are ignored, as §2 asks.
 *
 * @param clientId a client_id the admin API may choose; open registration always generates one
 */
public record ClientMetadata(
        @JsonProperty("client_id") String clientId,
        @JsonProperty("client_name") String clientName,
        @JsonProperty("redirect_uris") List<String> redirectUris,
        @JsonProperty("token_endpoint_auth_method") String tokenEndpointAuthMethod,
        @JsonProperty("grant_types") List<String> grantTypes,
        @JsonProperty("response_types") List<String> responseTypes,
        @JsonProperty("scope") String scope,
        @JsonProperty("jwks") JsonNode jwks,
        @JsonProperty("jwks_uri") String jwksUri) {

    public static final String AUTH_NONE = "none";
    public static final String AUTH_PRIVATE_KEY_JWT = "private_key_jwt";
    public static final String AUTH_CLIENT_SECRET_BASIC = "client_secret_basic";
}
