package org.smartguard.commons.audit;

/**
 * The address an audit event records for the caller. Behind the gateway the direct peer is the gateway, which
 * appends the real caller to {@code X-Forwarded-For}; that header is believed only when the peer is on a loopback
 * or private network (the gateway), never when a client reaches a service directly.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(String remoteAddress, String forwardedFor) {
        if (forwardedFor != null && remoteAddress != null && isLoopbackOrPrivate(remoteAddress)) {
            String[] hops = forwardedFor.split(",");
            return hops[hops.length - 1].trim();
        }
        return remoteAddress;
    }

    private static boolean isLoopbackOrPrivate(String address) {
        return address.startsWith("127.") || address.equals("0:0:0:0:0:0:0:1") || address.equals("::1")
                || address.startsWith("10.") || address.startsWith("192.168.");
    }
}
