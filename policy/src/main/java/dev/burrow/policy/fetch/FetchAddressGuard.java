package dev.burrow.policy.fetch;

import dev.burrow.policy.engine.CidrRange;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Which addresses the edge may connect to when a tenant's policy names a URL (a JWKS, an OpenID issuer and the
 * endpoints its discovery returns, OAuth endpoints): public ones only, unless the operator allows ranges
 * ({@code --policy-fetch-allow}). Otherwise a tenant could make the edge reach its own loopback services, the cloud
 * metadata service (169.254.169.254) or the operator's private network, and read the answers back through error
 * messages or timing. An IPv4-mapped or IPv4-compatible IPv6 address, or a NAT64 one, is judged as the IPv4 address
 * it carries.
 */
public final class FetchAddressGuard {
    /** Public addresses only: the default. */
    public static final FetchAddressGuard PUBLIC_ONLY = new FetchAddressGuard(List.of());

    private final List<CidrRange> allowed;

    private FetchAddressGuard(List<CidrRange> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Public addresses, and also these ranges (the operator's own identity provider on a private network, tests). */
    public static FetchAddressGuard allowing(List<CidrRange> ranges) {
        return ranges.isEmpty() ? PUBLIC_ONLY : new FetchAddressGuard(ranges);
    }

    /** Why the edge must not connect to {@code address}, or null when it may. */
    public String refusal(InetAddress address) {
        byte[] bytes = embeddedIpv4(address.getAddress());
        for (CidrRange range : allowed) {
            if (range.contains(bytes)) {
                return null;
            }
        }
        String kind = bytes.length == 4 ? kindOfFour(bytes) : kindOfSix(bytes);
        return kind == null ? null : address.getHostAddress() + " is " + kind + " address";
    }

    /** The IPv4 address an IPv6 one carries (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d). */
    static byte[] embeddedIpv4(byte[] bytes) {
        if (bytes.length != 16) {
            return bytes;
        }
        boolean zeroPrefix = allZero(bytes, 0, 10);
        boolean mapped = zeroPrefix && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        boolean compatible = zeroPrefix && bytes[10] == 0 && bytes[11] == 0 && !allZero(bytes, 12, 14);
        boolean nat64 = bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == (byte) 0xff && bytes[3] == (byte) 0x9b
                && allZero(bytes, 4, 12);
        return mapped || compatible || nat64 ? Arrays.copyOfRange(bytes, 12, 16) : bytes;
    }

    private static String kindOfFour(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0) {
            return "an unspecified (0.0.0.0/8)";
        }
        if (first == 127) {
            return "a loopback";
        }
        if (first == 169 && second == 254) {
            return "a link-local (169.254.0.0/16, where cloud metadata services answer)";
        }
        if (first == 10 || first == 172 && (second & 0xf0) == 16 || first == 192 && second == 168) {
            return "a private (RFC 1918)";
        }
        if (first == 100 && (second & 0xc0) == 64) {
            return "a shared (100.64.0.0/10, carrier-grade NAT)";
        }
        if (first >= 224 && first < 240) {
            return "a multicast";
        }
        return first >= 240 ? "a reserved or broadcast (240.0.0.0/4)" : null;
    }

    private static String kindOfSix(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (allZero(b, 0, 16)) {
            return "the unspecified (::)";
        }
        if (allZero(b, 0, 15) && b[15] == 1) {
            return "the loopback";
        }
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return "a link-local (fe80::/10)";
        }
        if (first == 0xfe && (second & 0xc0) == 0xc0) {
            return "a site-local (fec0::/10)";
        }
        if ((first & 0xfe) == 0xfc) {
            return "a unique local (fc00::/7)";
        }
        return first == 0xff ? "a multicast" : null;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FetchAddressGuard guard && guard.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return allowed.isEmpty() ? "public addresses only" : "public addresses and " + allowed;
    }
}
