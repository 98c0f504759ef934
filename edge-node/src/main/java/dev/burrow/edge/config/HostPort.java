package dev.burrow.edge.config;

/**
 * A {@code HOST}, {@code HOST:PORT}, {@code [V6]} or {@code [V6]:PORT} as operators write addresses in flags.
 *
 * @param host the host, without brackets
 * @param port the port, or the default given to {@link #parse} when the text has none
 */
public record HostPort(String host, int port) {

    /** Parses {@code text}; {@code defaultPort} when it names no port. Throws {@link IllegalArgumentException}. */
    public static HostPort parse(String text, int defaultPort) {
        String value = text == null ? "" : text.trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("the address is empty; give HOST or HOST:PORT");
        }
        String host;
        String port = null;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("\"" + value + "\" has no closing ']'; write [V6] or [V6]:PORT");
            }
            host = value.substring(1, close);
            String rest = value.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("\"" + value + "\" is not [V6]:PORT");
                }
                port = rest.substring(1);
            }
        } else if (value.indexOf(':') != value.lastIndexOf(':')) {
            host = value; // a bare IPv6 address
        } else {
            int colon = value.indexOf(':');
            host = colon < 0 ? value : value.substring(0, colon);
            port = colon < 0 ? null : value.substring(colon + 1);
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == ',' || c == '=')) {
            throw new IllegalArgumentException("\"" + value + "\" has no valid host; write HOST or HOST:PORT");
        }
        if (port == null) {
            return new HostPort(host, defaultPort);
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + value + "\" has no port number after ':'; write HOST:PORT");
        }
        if (number < 1 || number > 65_535) {
            throw new IllegalArgumentException("\"" + value + "\" has port " + number + "; use 1-65535");
        }
        return new HostPort(host, number);
    }

    /** {@code host:port}, with brackets around an IPv6 host. */
    public static String format(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return format(host, port);
    }
}
