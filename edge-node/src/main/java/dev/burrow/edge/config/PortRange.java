package dev.burrow.edge.config;

/** An inclusive range of TCP ports, written {@code LOW-HIGH} (or a single port). */
public record PortRange(int low, int high) {

    public PortRange {
        if (low < 1 || high > 65_535 || low > high) {
            throw new IllegalArgumentException("port range " + low + "-" + high
                    + " is invalid; expected 1 <= LOW <= HIGH <= 65535");
        }
    }

    /** Parses {@code "20000-20999"} or {@code "20000"}; throws IllegalArgumentException with a clear sentence. */
    public static PortRange parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        int dash = trimmed.indexOf('-');
        try {
            if (dash < 0) {
                int port = Integer.parseInt(trimmed);
                return new PortRange(port, port);
            }
            return new PortRange(Integer.parseInt(trimmed.substring(0, dash).trim()),
                    Integer.parseInt(trimmed.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a port range; expected LOW-HIGH, for example 20000-20999");
        }
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }

    public int size() {
        return high - low + 1;
    }

    @Override
    public String toString() {
        return low + "-" + high;
    }
}
