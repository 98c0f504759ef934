package dev.burrow.agent.internal;

/** A "host:port" pair as users type it ("localhost:4443", "[::1]:80"); parsing says precisely what is wrong. */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("no host name");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
    }

    /**
     * Parses "host:port". {@code what} names the value in error messages ("edge address", "upstream").
     *
     * @throws IllegalArgumentException with a sentence such as {@code invalid upstream "x:70000": port 70000 is not
     *                                  between 1 and 65535}
     */
    public static HostPort parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no " + what + " given (expected host:port)");
        }
        String value = text.trim();
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("invalid " + what + " \"" + text + "\": expected host:port");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("invalid " + what + " \"" + text + "\": write IPv6 addresses as [addr]:port");
        }
        return new HostPort(host, parsePort(value.substring(colon + 1), what, text));
    }

    /** Parses a port number 1..65535 with a sentence naming {@code what} and the {@code original} text. */
    public static int parsePort(String digits, String what, String original) {
        int port;
        try {
            port = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + what + " \"" + original + "\": \"" + digits + "\" is not a port number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid " + what + " \"" + original + "\": port " + port
                    + " is not between 1 and 65535");
        }
        return port;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
