package org.smartguard.gateway.ip;

import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.http.HttpServerRequest;

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy; then the right-most
 * {@code X-Forwarded-For} entry that is not itself a trusted proxy (entries further left were written by whoever
 * sent the request and prove nothing). Likewise the scheme the client used: a trusted proxy that terminated TLS
 * says so in {@code X-Forwarded-Proto}.
 */
@ApplicationScoped
public class ClientAddresses {

    private final List<Cidr> trustedProxies;

    ClientAddresses(IpConfig config) {
        this.trustedProxies = config.trustedProxies().orElse(List.of()).stream().map(Cidr::parse).toList();
    }

    public String of(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        if (peer == null) {
            return "unknown";
        }
        if (!trusted(Cidr.literal(peer))) {
            return peer;
        }
        List<String> forwarded = request.headers().getAll("X-Forwarded-For");
        String client = peer;
        for (int h = forwarded.size() - 1; h >= 0; h--) {
            String[] hops = forwarded.get(h).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].trim();
                byte[] address = Cidr.literal(hop);
                if (address == null) {
                    return client;
                }
                client = hop;
                if (!trusted(address)) {
                    return client;
                }
            }
        }
        return client;
    }

    /** {@code https} or {@code http}, as the client connected. */
    public String scheme(HttpServerRequest request) {
        String own = request.isSSL() ? "https" : "http";
        List<String> forwarded = request.headers().getAll("X-Forwarded-Proto");
        if (forwarded.isEmpty() || request.remoteAddress() == null || !trusted(Cidr.literal(request.remoteAddress().hostAddress()))) {
            return own;
        }
        String[] hops = forwarded.get(forwarded.size() - 1).split(",");
        String told = hops[hops.length - 1].trim().toLowerCase(Locale.ROOT);
        return told.equals("https") || told.equals("http") ? told : own;
    }

    /** A loop, not a stream: this runs for every request, and the stream allocated on each. */
    private boolean trusted(byte[] address) {
        for (Cidr proxy : trustedProxies) {
            if (proxy.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
