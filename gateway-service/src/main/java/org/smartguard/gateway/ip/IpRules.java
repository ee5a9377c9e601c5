package org.smartguard.gateway.ip;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

/** Per-route allow and deny lists; deny wins, and a route with an allow list admits nothing else. */
@ApplicationScoped
public class IpRules {

    private final Map<String, Lists> byRoute;

    IpRules(IpConfig config) {
        this.byRoute = config.routes().entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                entry -> new Lists(parse(entry.getValue().allow().orElse(List.of())), parse(entry.getValue().deny().orElse(List.of())))));
    }

    /** Whether {@code clientAddress} may use {@code route}. */
    public boolean admits(String route, String clientAddress) {
        Lists lists = byRoute.get(route);
        if (lists == null) {
            return true;
        }
        byte[] address = Cidr.literal(clientAddress);
        if (lists.deny().stream().anyMatch(network -> network.contains(address))) {
            return false;
        }
        return lists.allow().isEmpty() || lists.allow().stream().anyMatch(network -> network.contains(address));
    }

    private static List<Cidr> parse(List<String> networks) {
        return networks.stream().map(Cidr::parse).toList();
    }

    private record Lists(List<Cidr> allow, List<Cidr> deny) {
    }
}
