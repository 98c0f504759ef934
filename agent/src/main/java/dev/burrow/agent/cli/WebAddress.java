package dev.burrow.agent.cli;

import dev.burrow.agent.internal.HostPort;

/** The {@code --web-addr} value: "host:port" (port 0 = any free port), a bare port, or "false" to disable. */
record WebAddress(String host, int port, boolean explicit) {
    static final String DEFAULT = "127.0.0.1:4040";

    /** {@code null} when disabled. */
    static WebAddress parse(String text, boolean explicit) {
        String value = text.trim();
        if (value.equalsIgnoreCase("false") || value.equalsIgnoreCase("off") || value.equalsIgnoreCase("none")) {
            return null;
        }
        if (value.chars().allMatch(Character::isDigit) && !value.isEmpty()) {
            return new WebAddress("127.0.0.1", port(value, text), explicit);
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("invalid --web-addr \"" + text + "\": expected host:port or false");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new WebAddress(host, port(value.substring(colon + 1), text), explicit);
    }

    private static int port(String digits, String original) {
        if (digits.equals("0")) {
            return 0;
        }
        return HostPort.parsePort(digits, "--web-addr", original);
    }
}
