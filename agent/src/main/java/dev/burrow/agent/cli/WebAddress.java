package dev.burrow.agent.cli;

import dev.burrow.agent.internal.HostPort;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * The ports to try in order: the one given when it was chosen explicitly (or is 0, any free port); otherwise
     * the default and the ones after it, {@code span} in all, leaving out those browsers refuse.
     */
    List<Integer> candidatePorts(int span) {
        if (explicit || port == 0) {
            return List.of(port);
        }
        List<Integer> ports = new ArrayList<>();
        for (int candidate = port; candidate < port + span && candidate <= 65535; candidate++) {
            if (!BrowserUnsafePorts.isUnsafe(candidate)) {
                ports.add(candidate);
            }
        }
        return ports;
    }

    private static int port(String digits, String original) {
        if (digits.equals("0")) {
            return 0;
        }
        return HostPort.parsePort(digits, "--web-addr", original);
    }
}
