package dev.burrow.edge.http;

import java.util.Locale;

/**
 * The authority a public request may name, in a {@code Host} header or an absolute-form target: an RFC 3986
 * IP-literal ({@code [v6]}) or a DNS name (labels of letters, digits, {@code -} and {@code _}, 1 to 63 characters,
 * 253 in all, one trailing dot allowed), then an optional port 1-65535. Anything else ({@code %}, {@code @},
 * {@code /}, spaces, empty labels, a port that is not a number) is not a host this edge routes.
 */
final class HostSyntax {
    private static final int MAX_NAME = 253;
    private static final int MAX_LABEL = 63;
    private static final int MAX_IP_LITERAL = 47;

    /** A parsed authority: lower-cased host without a trailing dot, and its port or -1. */
    record Authority(String host, int port) {
        /** Whether both name the same place, with an absent port meaning {@code defaultPort}. */
        boolean sameAs(Authority other, int defaultPort) {
            return host.equals(other.host) && effectivePort(defaultPort) == other.effectivePort(defaultPort);
        }

        private int effectivePort(int defaultPort) {
            return port < 0 ? defaultPort : port;
        }
    }

    private HostSyntax() {
    }

    /** Whether {@code text} is a valid authority; allocates nothing. */
    static boolean valid(String text) {
        return hostEnd(text) >= 0;
    }

    /** The authority, or null when {@code text} is not a valid one. */
    static Authority parse(String text) {
        int hostEnd = hostEnd(text);
        if (hostEnd < 0) {
            return null;
        }
        int port = hostEnd < text.length() ? port(text, hostEnd + 1) : -1;
        String host = text.substring(0, hostEnd).toLowerCase(Locale.ROOT);
        return new Authority(host.endsWith(".") ? host.substring(0, host.length() - 1) : host, port);
    }

    /** Where the host part of a valid authority ends, or -1 when the authority is not valid. */
    private static int hostEnd(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        int hostEnd;
        if (text.charAt(0) == '[') {
            hostEnd = text.indexOf(']');
            if (hostEnd < 0 || hostEnd > MAX_IP_LITERAL || !ipLiteral(text, 1, hostEnd)) {
                return -1;
            }
            hostEnd++;
        } else {
            int colon = text.indexOf(':');
            hostEnd = colon < 0 ? text.length() : colon;
            if (!dnsName(text, hostEnd)) {
                return -1;
            }
        }
        if (hostEnd < text.length() && (text.charAt(hostEnd) != ':' || port(text, hostEnd + 1) < 0)) {
            return -1;
        }
        return hostEnd;
    }

    private static boolean dnsName(String text, int end) {
        int length = end > 0 && text.charAt(end - 1) == '.' ? end - 1 : end;
        if (length == 0 || length > MAX_NAME) {
            return false;
        }
        int label = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (label == 0) {
                    return false;
                }
                label = 0;
            } else if (labelChar(c) && ++label <= MAX_LABEL) {
                continue;
            } else {
                return false;
            }
        }
        return label > 0;
    }

    private static boolean labelChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static boolean ipLiteral(String text, int from, int to) {
        if (to - from < 2) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return false;
            }
        }
        return text.indexOf(':', from) >= 0 && text.indexOf(':', from) < to;
    }

    /** 1-65535 written as 1 to 5 digits, or -1. */
    private static int port(String text, int from) {
        int digits = text.length() - from;
        if (digits < 1 || digits > 5) {
            return -1;
        }
        int port = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return port >= 1 && port <= 65_535 ? port : -1;
    }
}
