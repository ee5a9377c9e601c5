package org.smartguard.auth.registration;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;

/**
 * The redirect URIs a client may register (RFC 6749 §3.1.2, RFC 8252 §7.3): absolute, without fragment or user
 * info, https, or plain http only to this machine (localhost, 127.0.0.1, [::1]) where a native or test app listens.
 */
final class RedirectUris {

    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final int MAX_URIS = 20;
    private static final int MAX_LENGTH = 2000;

    private RedirectUris() {
    }

    /** @throws OAuthException 400 invalid_redirect_uri naming the first problem */
    static List<String> validated(List<String> uris) {
        if (uris == null || uris.isEmpty()) {
            throw invalid("redirect_uris is required for the authorization_code grant");
        }
        if (uris.size() > MAX_URIS) {
            throw invalid("at most " + MAX_URIS + " redirect_uris may be registered");
        }
        Set<String> seen = new HashSet<>();
        for (String uri : uris) {
            check(uri);
            if (!seen.add(uri)) {
                throw invalid("redirect_uris has a repeated URI");
            }
        }
        return List.copyOf(uris);
    }

    private static void check(String value) {
        if (value == null || value.isBlank() || value.length() > MAX_LENGTH || value.contains("\n")) {
            throw invalid("each redirect URI must be a URL of at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid("a redirect URI is not a valid URL");
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw invalid("redirect URIs must be absolute URLs with a host");
        }
        if (uri.getRawFragment() != null) {
            throw invalid("redirect URIs must not have a fragment");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid("redirect URIs must not carry user info");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean loopback = LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
        if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
            throw invalid("redirect URIs must use https (plain http only for localhost or 127.0.0.1)");
        }
    }

    private static OAuthException invalid(String description) {
        return OAuthException.badRequest(OAuthError.INVALID_REDIRECT_URI, description);
    }
}
