package dev.burrow.agent.api;

import java.util.Locale;

/**
 * DNS-rebinding protection for the agent API: a browser page from another site can make a name of its own
 * resolve to 127.0.0.1, but it cannot make the Host header say anything but that name. So only requests whose
 * Host is "localhost", an IP literal, or the configured web host, with the API's port, are served.
 */
public final class HostCheck {
    private final String configuredHost;
    private final int port;

    public HostCheck(String configuredHost, int port) {
        this.configuredHost = configuredHost.toLowerCase(Locale.ROOT);
        this.port = port;
    }

    public boolean allows(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String value = hostHeader.trim().toLowerCase(Locale.ROOT);
        String host;
        int headerPort;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                return false;
            }
            host = value.substring(1, close);
            headerPort = portAfter(value, close + 1);
        } else {
            int colon = value.lastIndexOf(':');
            host = colon < 0 ? value : value.substring(0, colon);
            headerPort = colon < 0 ? 80 : portAfter(value, colon);
        }
        if (headerPort != port) {
            return false;
        }
        return host.equals("localhost") || host.equals(configuredHost) || isIpLiteral(host);
    }

    private static int portAfter(String value, int colonIndex) {
        if (colonIndex >= value.length()) {
            return 80;
        }
        if (value.charAt(colonIndex) != ':') {
            return -1;
        }
        try {
            return Integer.parseInt(value.substring(colonIndex + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static boolean isIpLiteral(String host) {
        if (host.contains(":")) {
            return host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit) || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
