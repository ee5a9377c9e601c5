package org.smartguard.auth.clients;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Which {@code jwks_uri} values are trusted: absolute https URLs without credentials or fragment; plain http only on
 * this machine, and only where {@code smartguard.auth.clients.jwks-uri-allow-local-http} allows it (tests, demos).
 * Checked at registration and again before every fetch, so turning the setting off takes effect at once. Before a
 * fetch the host must also resolve to public addresses only (unless local http is allowed): anyone can register a
 * jwks_uri and make us fetch it, which must not become a way to probe the internal network.
 */
@ApplicationScoped
public class JwksUriPolicy {

    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final int MAX_LENGTH = 2000;

    private final boolean allowLocalHttp;

    JwksUriPolicy(ClientsConfig config) {
        this.allowLocalHttp = config.jwksUriAllowLocalHttp();
    }

    /** Empty when the URI may be used; otherwise why not, in words fit for an error_description. */
    public Optional<String> problem(String jwksUri) {
        if (jwksUri == null || jwksUri.isBlank() || jwksUri.length() > MAX_LENGTH) {
            return Optional.of("jwks_uri must be a URL of at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(jwksUri);
        } catch (URISyntaxException e) {
            return Optional.of("jwks_uri is not a valid URL");
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return Optional.of("jwks_uri must be an absolute URL with a host, without user info or fragment");
        }
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("https")) {
            return Optional.empty();
        }
        if (scheme.equals("http") && allowLocalHttp && LOCAL_HOSTS.contains(uri.getHost().toLowerCase(java.util.Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of("jwks_uri must use https");
    }

    /** Empty when the URI may be fetched now; otherwise why not (including a host inside the private network). */
    public Optional<String> fetchProblem(String jwksUri) {
        Optional<String> problem = problem(jwksUri);
        if (problem.isPresent() || allowLocalHttp) {
            return problem;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(URI.create(jwksUri).getHost())) {
                if (isInternal(address)) {
                    return Optional.of("the client's jwks_uri points into a private network");
                }
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of("the client's jwks_uri host does not resolve");
        }
    }

    private static boolean isInternal(InetAddress address) {
        // fc00::/7 (unique local IPv6) has no InetAddress predicate
        boolean uniqueLocal = address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
        return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress() || uniqueLocal;
    }
}
