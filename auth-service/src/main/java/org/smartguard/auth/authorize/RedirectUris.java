package org.smartguard.auth.authorize;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds parameters to a registered redirect URI, keeping any query it already has. Values are form-encoded, so a
 * {@code state} holding {@code &}, {@code =}, {@code +} or {@code #} comes back to the app byte for byte.
 * (JAX-RS {@code UriBuilder.queryParam} treats braces in values as templates, so app-chosen values cannot go through it.)
 */
final class RedirectUris {

    private final String base;
    private final Map<String, String> params = new LinkedHashMap<>();

    private RedirectUris(String base) {
        this.base = base;
    }

    static RedirectUris to(String redirectUri) {
        return new RedirectUris(redirectUri);
    }

    /** Adds the parameter unless {@code value} is null. */
    RedirectUris param(String name, String value) {
        if (value != null) {
            params.put(name, value);
        }
        return this;
    }

    URI build() {
        int hash = base.indexOf('#');
        String withoutFragment = hash < 0 ? base : base.substring(0, hash);
        StringBuilder uri = new StringBuilder(withoutFragment);
        char separator = withoutFragment.indexOf('?') < 0 ? '?' : '&';
        for (Map.Entry<String, String> param : params.entrySet()) {
            uri.append(separator).append(encode(param.getKey())).append('=').append(encode(param.getValue()));
            separator = '&';
        }
        return URI.create(uri.toString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
