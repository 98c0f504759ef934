package dev.burrow.agent.internal;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.EndpointSettings;

import java.net.URI;
import java.util.Map;

/**
 * What the application asked for: protocol, wanted name or port, the endpoint's settings (pooling with other agents
 * of the tenant, traffic policy), and a description of the upstream (only informational for the edge).
 */
public record EndpointSpec(String proto, String hostname, String subdomain, int port, String upstream,
                           EndpointSettings settings) {

    public static EndpointSpec http(String hostname, String subdomain, String upstream, EndpointSettings settings) {
        return http(dev.burrow.protocol.BindProtocols.HTTP, hostname, subdomain, upstream, settings);
    }

    /** A hostname-addressed endpoint: {@code proto} is http, https or tls ({@link dev.burrow.protocol.BindProtocols}). */
    public static EndpointSpec http(String proto, String hostname, String subdomain, String upstream, EndpointSettings settings) {
        return new EndpointSpec(proto, blankToNull(hostname), blankToNull(subdomain), 0, upstream, settings);
    }

    public static EndpointSpec tcp(int port, String upstream, EndpointSettings settings) {
        return new EndpointSpec("tcp", null, null, port, upstream, settings);
    }

    public static EndpointSpec udp(int port, String upstream) {
        return udp(port, upstream, EndpointSettings.DEFAULTS);
    }

    /** A UDP endpoint; of its settings only the traffic policy's {@code on_tcp_connect} applies, per visitor address. */
    public static EndpointSpec udp(int port, String upstream, EndpointSettings settings) {
        return new EndpointSpec("udp", null, null, port, upstream, settings);
    }

    public boolean pooling() {
        return settings.pooling();
    }

    /** The same endpoint with another traffic policy (after a live change: later binds carry it). */
    public EndpointSpec withTrafficPolicy(String document) {
        return new EndpointSpec(proto, hostname, subdomain, port, upstream, settings.withTrafficPolicy(document));
    }

    /** The first BIND of this endpoint. */
    public ControlMessage.Bind firstBind(long requestId) {
        return new ControlMessage.Bind(requestId, proto, hostname, subdomain, port, upstream, bindOptions());
    }

    /**
     * A BIND that takes the address the endpoint has ({@code publicUrl}): after a reconnect, and on every further
     * link of the session.
     */
    public ControlMessage.Bind rebind(long requestId, String publicUrl) {
        URI url = URI.create(publicUrl);
        if ("tcp".equals(proto) || "udp".equals(proto)) {
            return new ControlMessage.Bind(requestId, proto, null, null, url.getPort(), upstream, bindOptions());
        }
        return new ControlMessage.Bind(requestId, proto, url.getHost(), null, 0, upstream, bindOptions());
    }

    private Map<String, String> bindOptions() {
        return settings.toOptions();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
