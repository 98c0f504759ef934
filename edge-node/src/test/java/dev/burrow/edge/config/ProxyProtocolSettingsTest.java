package dev.burrow.edge.config;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --proxy-protocol and --proxy-protocol-trusted: parsing, defaults, the trust check, and one-line refusals. */
class ProxyProtocolSettingsTest {

    @Test
    void offByDefaultAndTrustingLoopbackWhenOn() {
        EdgeConfig defaults = ConfigResolver.resolve(Map.of(), Map.of(), null);
        assertFalse(defaults.proxyProtocol().enabled());
        EdgeConfig on = ConfigResolver.resolve(Map.of(), Map.of("BURROW_PROXY_PROTOCOL", "true"), null);
        assertTrue(on.proxyProtocol().enabled());
        assertEquals(ProxyProtocolSettings.DEFAULT_TRUSTED, on.proxyProtocol().trusted());
    }

    @Test
    void theTrustCheckLooksAtTheRealPeer() {
        EdgeConfig config = ConfigResolver.resolve(Map.of(ConfigKey.PROXY_PROTOCOL, List.of("true"),
                ConfigKey.PROXY_PROTOCOL_TRUSTED, List.of("10.0.0.0/8, 192.168.1.7,fd00::/8")), Map.of(), null);
        ProxyProtocolSettings.Trust trust = config.proxyProtocol().trust();
        assertTrue(trust.trusts(SocketAddress.inetSocketAddress(40000, "10.20.30.40")));
        assertTrue(trust.trusts(SocketAddress.inetSocketAddress(40000, "192.168.1.7")));
        assertTrue(trust.trusts(SocketAddress.inetSocketAddress(40000, "fd00::1")));
        assertFalse(trust.trusts(SocketAddress.inetSocketAddress(40000, "192.168.1.8")));
        assertFalse(trust.trusts(SocketAddress.inetSocketAddress(40000, "127.0.0.1")));
        assertFalse(trust.trusts(null));
    }

    @Test
    void aDomainSocketPeerIsBelievedOnlyWhereTheSettingsSaySo() {
        SocketAddress domainPeer = SocketAddress.domainSocketAddress("");
        assertFalse(new ProxyProtocolSettings(true, List.of("127.0.0.0/8")).trust().trusts(domainPeer));
        assertFalse(ProxyProtocolSettings.off().trust().trusts(domainPeer));
        ProxyProtocolSettings.Trust hop = new ProxyProtocolSettings(true, List.of("127.0.0.1/32"), true).trust();
        assertTrue(hop.trusts(domainPeer));
        assertTrue(hop.trusts(SocketAddress.inetSocketAddress(40000, "127.0.0.1")));
        assertFalse(hop.trusts(SocketAddress.inetSocketAddress(40000, "10.0.0.1")));
        assertFalse(hop.trusts(null));
    }

    @Test
    void anIpv4MappedPeerOfADualStackListenerMatchesItsIpv4Range() {
        EdgeConfig config = ConfigResolver.resolve(Map.of(ConfigKey.PROXY_PROTOCOL, List.of("true"),
                ConfigKey.PROXY_PROTOCOL_TRUSTED, List.of("10.0.0.0/8")), Map.of(), null);
        ProxyProtocolSettings.Trust trust = config.proxyProtocol().trust();
        assertTrue(trust.trusts(SocketAddress.inetSocketAddress(40000, "::ffff:10.20.30.40")));
        assertTrue(trust.trusts(SocketAddress.inetSocketAddress(new java.net.InetSocketAddress(
                mapped(10, 20, 30, 40), 40000))));
        assertFalse(trust.trusts(SocketAddress.inetSocketAddress(40000, "::ffff:11.20.30.40")));
    }

    /** An Inet6Address holding an IPv4-mapped address (what a dual-stack socket can report). */
    private static java.net.InetAddress mapped(int a, int b, int c, int d) {
        byte[] raw = new byte[16];
        raw[10] = (byte) 0xff;
        raw[11] = (byte) 0xff;
        raw[12] = (byte) a;
        raw[13] = (byte) b;
        raw[14] = (byte) c;
        raw[15] = (byte) d;
        try {
            return java.net.Inet6Address.getByAddress(null, raw, -1);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBadRangeOrValueIsOneSentence() {
        assertEquals("--proxy-protocol-trusted: \"10.0.0.0/99\" is not an address range; use CIDR notation such as 10.0.0.0/8 or fd00::/8",
                assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(ConfigKey.PROXY_PROTOCOL, List.of("true"),
                        ConfigKey.PROXY_PROTOCOL_TRUSTED, List.of("10.0.0.0/99")), Map.of(), null)).getMessage());
        assertEquals("--proxy-protocol-trusted: \"lb.example.com\" is not an address range; use CIDR notation such as 10.0.0.0/8 or fd00::/8",
                assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(
                        ConfigKey.PROXY_PROTOCOL_TRUSTED, List.of("lb.example.com")), Map.of(), null)).getMessage());
        assertEquals("--proxy-protocol: \"maybe\" is not true or false",
                assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(ConfigKey.PROXY_PROTOCOL, List.of("maybe")),
                        Map.of(), null)).getMessage());
    }
}
