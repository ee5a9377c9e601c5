package org.smartguard.auth.authorize;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;

import org.smartguard.auth.authorize.AuthorizeFixtures.TestClient;

/** A valid authorization request for a client (PKCE S256, state, nonce, aud), to be changed one parameter at a time. */
public final class AuthorizeParams {

    public static final String FHIR_BASE = "http://localhost:8080/fhir";

    private final Map<String, String> params = new LinkedHashMap<>();
    /** 73 characters, the shape Inferno sends. */
    private final String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();

    private AuthorizeParams(TestClient client, String scope) {
        params.put("response_type", "code");
        params.put("client_id", client.id());
        params.put("redirect_uri", client.redirectUri());
        params.put("scope", scope);
        params.put("state", UUID.randomUUID() + "&odd=+/ %");
        params.put("aud", FHIR_BASE);
        params.put("code_challenge", Pkce.s256(verifier));
        params.put("code_challenge_method", "S256");
        params.put("nonce", "nonce-" + UUID.randomUUID());
    }

    public static AuthorizeParams forClient(TestClient client, String scope) {
        return new AuthorizeParams(client, scope);
    }

    public AuthorizeParams with(String name, String value) {
        params.put(name, value);
        return this;
    }

    public AuthorizeParams without(String name) {
        params.remove(name);
        return this;
    }

    /** The request as the query of a URL, as an app puts it into the browser's address bar. */
    public String asQuery() {
        StringJoiner query = new StringJoiner("&");
        params.forEach((name, value) -> query.add(encode(name) + "=" + encode(value)));
        return query.toString();
    }

    public Map<String, String> asMap() {
        return Map.copyOf(params);
    }

    public String get(String name) {
        return params.get(name);
    }

    public String verifier() {
        return verifier;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
