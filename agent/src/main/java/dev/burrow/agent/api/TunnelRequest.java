package dev.burrow.agent.api;

import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The body of {@code POST /api/tunnels}, in ngrok's shape: the keys of a tunnel definition in its config file.
 * <pre>{"name": "web", "proto": "http", "addr": "3000", "subdomain": "demo"}
 * {"name": "ssh", "proto": "tcp", "addr": "22", "remote_addr": "localhost:20001"}</pre>
 * A key Burrow does not implement is refused by name rather than ignored.
 *
 * @param remotePort from {@code remote_addr} (its port), 0 for any
 * @param inspect    {@code null}: the agent's default
 * @param pooling    {@code null}: the agent's default ({@code pooling_enabled} in ngrok's words)
 */
public record TunnelRequest(String name, String proto, String addr, String subdomain, String hostname, int remotePort,
                            Boolean inspect, Boolean pooling) {
    private static final Set<String> KEYS = Set.of("name", "proto", "addr", "subdomain", "hostname", "domain", "url",
            "remote_addr", "inspect", "pooling_enabled");

    /** A request the API answers with {@code status} and {@code message}, without reaching the edge. */
    public static final class Refused extends RuntimeException {
        private final int status;

        public Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Reads and checks the body; {@link Refused} (400) names what is wrong. */
    static TunnelRequest fromJson(JsonObject body) {
        body.fieldNames().removeIf(key -> body.getValue(key) == null);
        Set<String> unknown = new TreeSet<>(body.fieldNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw bad("unsupported tunnel setting(s) " + unknown + "; supported: " + new TreeSet<>(KEYS));
        }
        String name = text(body, "name");
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            throw bad("\"name\" is required: letters, digits, '.', '_' or '-' (at most 63)");
        }
        String proto = text(body, "proto");
        proto = proto == null ? "http" : proto.toLowerCase(Locale.ROOT);
        if (!proto.equals("http") && !proto.equals("tcp")) {
            throw bad("\"proto\" " + proto + " is not served: http or tcp (public endpoints are plain HTTP)");
        }
        String addr = text(body, "addr");
        if (addr == null) {
            throw bad("\"addr\" is required: the local port, host:port or URL to forward to");
        }
        String hostname = first(text(body, "hostname"), text(body, "domain"), text(body, "url"));
        String subdomain = text(body, "subdomain");
        String remoteAddr = text(body, "remote_addr");
        if (proto.equals("tcp") && (hostname != null || subdomain != null)) {
            throw bad("a tcp tunnel has no hostname or subdomain; ask for a port with remote_addr");
        }
        if (proto.equals("http") && remoteAddr != null) {
            throw bad("remote_addr applies to tcp tunnels only");
        }
        return new TunnelRequest(name, proto, addr, subdomain, hostname, remotePort(remoteAddr),
                bool(body, "inspect"), bool(body, "pooling_enabled"));
    }

    private static final Set<String> ENDPOINT_KEYS = Set.of("name", "url", "upstream", "pooling_enabled", "inspect");

    /**
     * The body of {@code POST /api/endpoints}, ngrok's newer shape (an entry of a version 3 config's
     * {@code endpoints:}, as Burrow's own config file has them): {@code {"name": "web", "url": "http://demo.localhost",
     * "upstream": {"url": "3000"}}}; a {@code tcp://HOST:PORT} url makes a TCP endpoint on that port.
     */
    static TunnelRequest fromEndpointJson(JsonObject body) {
        Set<String> unknown = new TreeSet<>(body.fieldNames());
        unknown.removeAll(ENDPOINT_KEYS);
        if (!unknown.isEmpty()) {
            throw bad("unsupported endpoint setting(s) " + unknown + "; supported: " + new TreeSet<>(ENDPOINT_KEYS));
        }
        Object upstream = body.getValue("upstream");
        String addr = upstream instanceof JsonObject object ? text(object, "url") : upstream == null ? null : text(body, "upstream");
        if (addr == null) {
            throw bad("\"upstream\": {\"url\": …} is required: the local port, host:port or URL to forward to");
        }
        String url = text(body, "url");
        boolean tcp = url != null && url.toLowerCase(Locale.ROOT).startsWith("tcp://");
        JsonObject tunnel = new JsonObject().put("name", body.getValue("name")).put("proto", tcp ? "tcp" : "http")
                .put("addr", addr).put("inspect", body.getValue("inspect")).put("pooling_enabled", body.getValue("pooling_enabled"));
        if (tcp) {
            tunnel.put("remote_addr", url.substring("tcp://".length()));
        } else if (url != null) {
            tunnel.put("url", url);
        }
        return fromJson(tunnel);
    }

    private static int remotePort(String remoteAddr) {
        if (remoteAddr == null) {
            return 0;
        }
        String port = remoteAddr.substring(remoteAddr.lastIndexOf(':') + 1);
        try {
            int value = Integer.parseInt(port);
            if (value >= 0 && value <= 65535) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad("\"remote_addr\" " + remoteAddr + " names no port (expected host:port, e.g. localhost:20001)");
    }

    private static String text(JsonObject body, String key) {
        Object value = body.getValue(key);
        if (value == null) {
            return null;
        }
        if (value instanceof String || value instanceof Number) {
            return value.toString().trim();
        }
        throw bad("\"" + key + "\" must be a string");
    }

    private static Boolean bool(JsonObject body, String key) {
        Object value = body.getValue(key);
        if (value == null || value instanceof Boolean) {
            return (Boolean) value;
        }
        throw bad("\"" + key + "\" must be true or false");
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static Refused bad(String message) {
        return new Refused(400, message);
    }
}
