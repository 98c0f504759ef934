package dev.burrow.agent.internal;

import dev.burrow.protocol.ControlMessage;

import java.net.URI;
import java.util.Map;

/**
 * What the application asked for: protocol, wanted name or port, and a description of the upstream (only
 * informational for the edge).
 */
public record EndpointSpec(String proto, String hostname, String subdomain, int port, String upstream) {

    public static EndpointSpec http(String hostname, String subdomain, String upstream) {
        return new EndpointSpec("http", blankToNull(hostname), blankToNull(subdomain), 0, upstream);
    }

    public static EndpointSpec tcp(int port, String upstream) {
        return new EndpointSpec("tcp", null, null, port, upstream);
    }

    /** The first BIND of this endpoint. */
    public ControlMessage.Bind firstBind(long requestId) {
        return new ControlMessage.Bind(requestId, proto, hostname, subdomain, port, upstream, Map.of());
    }

    /** A BIND that takes back the address the endpoint had ({@code publicUrl}) after a reconnect. */
    public ControlMessage.Bind rebind(long requestId, String publicUrl) {
        URI url = URI.create(publicUrl);
        if ("tcp".equals(proto)) {
            return new ControlMessage.Bind(requestId, proto, null, null, url.getPort(), upstream, Map.of());
        }
        return new ControlMessage.Bind(requestId, proto, url.getHost(), null, 0, upstream, Map.of());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
