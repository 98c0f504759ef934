package dev.burrow.policy;

import dev.burrow.policy.engine.CidrRange;
import dev.burrow.policy.engine.IpAddresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrRangeTest {

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "1.2.3.4 ", "localhost",
            "example.com", "1.2.3.-4", "::g", ""})
    void onlyNumericLiteralsAreAddresses(String text) {
        assertNull(IpAddresses.parse(text), text);
    }

    @Test
    void addressesParseWithoutDns() {
        assertArrayEquals(new byte[] {(byte) 203, 0, 113, 9}, IpAddresses.parse("203.0.113.9"));
        assertArrayEquals(new byte[] {0, 0, 0, 0}, IpAddresses.parse("0.0.0.0"));
        assertArrayEquals(new byte[] {(byte) 203, 0, 113, 9}, IpAddresses.parse("::ffff:203.0.113.9"));
        assertTrue(IpAddresses.parse("[2001:db8::1]").length == 16);
    }

    @Test
    void rangesMatchByPrefix() {
        CidrRange range = CidrRange.parse("192.0.2.128/25");
        assertTrue(range.contains(IpAddresses.parse("192.0.2.200")));
        assertFalse(range.contains(IpAddresses.parse("192.0.2.127")));
        assertFalse(range.contains(IpAddresses.parse("2001:db8::1")));
        assertTrue(CidrRange.parse("0.0.0.0/0").contains(IpAddresses.parse("8.8.8.8")));
        assertTrue(CidrRange.parse("2001:db8::/32").contains(IpAddresses.parse("2001:db8:ffff::1")));
        assertTrue(CidrRange.parse("198.51.100.7").contains(IpAddresses.parse("198.51.100.7")));
        assertFalse(CidrRange.parse("198.51.100.7").contains(IpAddresses.parse("198.51.100.8")));
        assertFalse(CidrRange.parse("10.0.0.0/8").contains(null));
        assertNull(CidrRange.parse("10.0.0.0/33"));
        assertNull(CidrRange.parse("10.0.0.0/"));
    }
}
