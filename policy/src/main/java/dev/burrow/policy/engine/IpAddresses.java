package dev.burrow.policy.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses numeric IP literals only (never a host name, so never a DNS lookup). An IPv4-mapped IPv6 address
 * ({@code ::ffff:192.0.2.1}) is the IPv4 address it maps, so one CIDR list covers both spellings.
 */
public final class IpAddresses {
    private IpAddresses() {
    }

    /** The address's bytes (4 or 16), or null when {@code text} is not an IP literal. */
    public static byte[] parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (literal.indexOf(':') >= 0) {
            return parseSix(literal);
        }
        return parseFour(literal);
    }

    private static byte[] parseFour(String text) {
        byte[] bytes = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? '.' : text.charAt(i);
            if (c == '.') {
                if (digits == 0 || part == 4 || value > 255) {
                    return null;
                }
                bytes[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3 && !(digits == 1 && value == 0)) {
                value = value * 10 + (c - '0');
                digits++;
            } else {
                return null;
            }
        }
        return part == 4 ? bytes : null;
    }

    private static byte[] parseSix(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = Character.digit(c, 16) >= 0 || c == ':' || c == '.';
            if (!allowed) {
                return null;
            }
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
