package dev.burrow.edge.config;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.vertx.core.net.SocketAddress;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * PROXY protocol (v1 text and v2 binary, as HAProxy and cloud load balancers send it) on the public HTTP and TCP
 * listeners ({@code --proxy-protocol}). When on, every public connection must start with a PROXY header, and a header
 * is believed only from a peer in {@code trusted} ({@code --proxy-protocol-trusted}, CIDRs): the address it carries
 * then stands for the client in X-Forwarded-For, in the stream header the agent sees, and in the logs. A connection
 * from any other peer is closed, since its header could claim any address.
 *
 * @param enabled                 whether the public listeners expect the header
 * @param trusted                 CIDRs of the load balancers allowed to send it, for example {@code 10.0.0.0/8}
 * @param trustsDomainSocketPeers whether a peer on a Unix domain socket is believed: only for the servers behind the
 *                                edge's own hop, whose sockets only the edge's user can reach ({@code HopSockets})
 */
public record ProxyProtocolSettings(boolean enabled, List<String> trusted, boolean trustsDomainSocketPeers) {
    public static final List<String> DEFAULT_TRUSTED = List.of("127.0.0.0/8", "::1/128");

    public ProxyProtocolSettings {
        trusted = trusted == null ? DEFAULT_TRUSTED : List.copyOf(trusted);
    }

    /** A listener reached over TCP only: no domain socket peer is believed. */
    public ProxyProtocolSettings(boolean enabled, List<String> trusted) {
        this(enabled, trusted, false);
    }

    public static ProxyProtocolSettings off() {
        return new ProxyProtocolSettings(false, DEFAULT_TRUSTED);
    }

    /** Parses {@code a/n,b/m} (blanks ignored). */
    public static List<String> parseCidrs(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** Checks every CIDR; throws {@link ConfigException} naming the one that is wrong. */
    ProxyProtocolSettings validate() {
        if (enabled && trusted.isEmpty()) {
            throw new ConfigException("--proxy-protocol is on but --proxy-protocol-trusted lists no address range; "
                    + "give the CIDRs of your load balancers, such as 10.0.0.0/8");
        }
        rules();
        return this;
    }

    private List<IpSubnetFilterRule> rules() {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String cidr : trusted) {
            int slash = cidr.indexOf('/');
            try {
                String address = slash < 0 ? cidr : cidr.substring(0, slash);
                int bits = slash < 0 ? (address.contains(":") ? 128 : 32) : Integer.parseInt(cidr.substring(slash + 1));
                if (!address.matches("[0-9A-Fa-f:.]+")) {
                    throw new IllegalArgumentException("not an IP address");
                }
                rules.add(new IpSubnetFilterRule(address, bits, IpFilterRuleType.ACCEPT));
            } catch (RuntimeException e) {
                throw new ConfigException("--proxy-protocol-trusted: \"" + cidr + "\" is not an address range; use CIDR "
                        + "notation such as 10.0.0.0/8 or fd00::/8");
            }
        }
        return rules;
    }

    /** A check of the connection's real peer (not the address its header claims) against {@code trusted}. */
    public Trust trust() {
        return new Trust(rules(), trustsDomainSocketPeers);
    }

    /** The parsed trusted ranges. */
    public static final class Trust {
        private final List<IpSubnetFilterRule> rules;
        private final boolean domainSocketPeers;

        private Trust(List<IpSubnetFilterRule> rules, boolean domainSocketPeers) {
            this.rules = rules;
            this.domainSocketPeers = domainSocketPeers;
        }

        public boolean trusts(SocketAddress peer) {
            if (peer != null && peer.isDomainSocket()) {
                return domainSocketPeers;
            }
            if (peer == null || peer.hostAddress() == null) {
                return false;
            }
            // Re-parsed from the text: Java turns an IPv4-mapped ::ffff:a.b.c.d (a dual-stack listener) into the IPv4
            // address, so it matches IPv4 ranges.
            InetSocketAddress address = new InetSocketAddress(peer.hostAddress(), Math.max(0, peer.port()));
            if (address.isUnresolved()) {
                return false;
            }
            for (IpSubnetFilterRule rule : rules) {
                if (rule.matches(address)) {
                    return true;
                }
            }
            return false;
        }
    }
}
