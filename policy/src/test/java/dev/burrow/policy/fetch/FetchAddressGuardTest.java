package dev.burrow.policy.fetch;

import dev.burrow.policy.engine.CidrRange;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class FetchAddressGuardTest {

    private static String refusal(FetchAddressGuard guard, String literal) throws Exception {
        return guard.refusal(InetAddress.getByName(literal));
    }

    @Test
    void everyAddressThatIsNotPublicIsRefusedWithWhatItIs() throws Exception {
        FetchAddressGuard guard = FetchAddressGuard.PUBLIC_ONLY;
        for (String address : List.of("127.0.0.1", "127.8.9.10", "0.0.0.0", "169.254.169.254", "10.1.2.3", "172.16.0.1",
                "172.31.255.255", "192.168.1.1", "100.64.0.1", "224.0.0.251", "255.255.255.255", "::", "::1", "fe80::1",
                "fec0::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
                "::127.0.0.1", "64:ff9b::a9fe:a9fe")) {
            assertNotNull(refusal(guard, address), address + " must be refused");
        }
        assertEquals("127.0.0.1 is a loopback address", refusal(guard, "127.0.0.1"));
        assertEquals("127.0.0.1 is a loopback address", refusal(guard, "::ffff:127.0.0.1"), "IPv4-mapped is the IPv4 address");
        assertEquals("0:0:0:0:0:0:0:1 is the loopback address", refusal(guard, "::1"));
        assertEquals("64:ff9b:0:0:0:0:a9fe:a9fe is a link-local (169.254.0.0/16, where cloud metadata services answer) address",
                refusal(guard, "64:ff9b::a9fe:a9fe"), "NAT64 carries the metadata address too");
        for (String address : List.of("8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.0.2.1", "2606:4700::1111")) {
            assertNull(refusal(guard, address), address + " is public");
        }
    }

    @Test
    void theOperatorsRangesAreAllowedAndNothingElse() throws Exception {
        FetchAddressGuard guard = FetchAddressGuard.allowing(List.of(CidrRange.parse("127.0.0.0/8"), CidrRange.parse("10.9.0.0/16")));
        assertNull(refusal(guard, "127.0.0.1"));
        assertNull(refusal(guard, "::ffff:127.0.0.1"), "the mapped spelling of an allowed address is allowed");
        assertNull(refusal(guard, "10.9.8.7"));
        assertNotNull(refusal(guard, "10.8.0.1"));
        assertNotNull(refusal(guard, "::1"), "an IPv6 loopback is not in 127.0.0.0/8");
        assertNotNull(refusal(guard, "169.254.169.254"));
    }
}
