package dev.burrow.edge.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Another region and where this node reaches it: the relay address ({@code host:relayPort}) of one of its nodes, or
 * of a load balancer in front of their relay ports.
 */
public record RegionPeer(String region, String host, int relayPort) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public String address() {
        return HostPort.format(host, relayPort);
    }

    /** Parses {@code name=host:port,name=host:port} (blanks ignored); one address per region. */
    public static List<RegionPeer> parseList(String text) {
        Map<String, RegionPeer> peers = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int equals = item.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("\"" + item + "\" is not REGION=HOST:RELAY_PORT (for example us=10.1.0.5:7000)");
            }
            String region = item.substring(0, equals).trim();
            if (!NAME.matcher(region).matches()) {
                throw new IllegalArgumentException("region name \"" + region + "\" is not valid; use 1-64 letters, digits, '.', '_' or '-'");
            }
            HostPort address = HostPort.parse(item.substring(equals + 1), 0);
            if (address.port() == 0) {
                throw new IllegalArgumentException("\"" + item + "\" has no relay port; write " + region + "=HOST:RELAY_PORT");
            }
            if (peers.put(region, new RegionPeer(region, address.host(), address.port())) != null) {
                throw new IllegalArgumentException("region \"" + region + "\" is listed twice; give one relay address per region");
            }
        }
        return new ArrayList<>(peers.values());
    }
}
