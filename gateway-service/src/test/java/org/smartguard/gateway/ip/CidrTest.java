package org.smartguard.gateway.ip;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @Test
    void ipv4NetworksContainTheirAddressesOnly() {
        Cidr network = Cidr.parse("10.20.0.0/16");
        assertTrue(network.contains(Cidr.literal("10.20.255.1")));
        assertFalse(network.contains(Cidr.literal("10.21.0.1")));
        assertTrue(Cidr.parse("192.168.1.128/25").contains(Cidr.literal("192.168.1.200")));
        assertFalse(Cidr.parse("192.168.1.128/25").contains(Cidr.literal("192.168.1.127")));
        assertTrue(Cidr.parse("203.0.113.7").contains(Cidr.literal("203.0.113.7")));
        assertFalse(Cidr.parse("203.0.113.7").contains(Cidr.literal("203.0.113.8")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(Cidr.literal("8.8.8.8")));
    }

    @Test
    void ipv6NetworksContainTheirAddressesOnlyAndNeverIpv4Ones() {
        Cidr network = Cidr.parse("2001:db8:20::/48");
        assertTrue(network.contains(Cidr.literal("2001:db8:20:ffff::1")));
        assertFalse(network.contains(Cidr.literal("2001:db8:21::1")));
        assertFalse(Cidr.parse("::/0").contains(Cidr.literal("10.0.0.1")));
        assertTrue(Cidr.parse("::1").contains(Cidr.literal("[::1]")));
    }

    @Test
    void anIpv4MappedIpv6AddressCountsAsItsIpv4Form() {
        assertTrue(Cidr.parse("10.0.0.0/8").contains(Cidr.literal("::ffff:10.1.2.3")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.org", "10.0.0.0/33", "2001:db8::/129", "10.0.0", "not an address", "10.0.0.0/-1"})
    void malformedNetworksAreRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    }

    @Test
    void hostNamesAreNeverResolved() {
        assertNull(Cidr.literal("localhost"));
    }
}
