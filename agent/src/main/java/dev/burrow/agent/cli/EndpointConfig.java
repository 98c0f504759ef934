package dev.burrow.agent.cli;

import java.net.URI;

/**
 * One entry of {@code endpoints:}: what {@code burrow start NAME} opens.
 *
 * @param proto            "http", "https" (HTTPS only), "tls", "tcp" or "udp" ({@link dev.burrow.protocol.BindProtocols})
 * @param hostname         the public hostname (http), or {@code null} for a random one
 * @param remotePort       the public port (tcp), 0 for any
 * @param upstream         http(s)://host:port, or tcp://host:port
 * @param upstreamProtocol "http1" or "http2" (http only)
 * @param pooling          {@code null} = the agent's default
 * @param inspect          {@code null} = the agent's default
 * @param trafficPolicy    the endpoint's {@code traffic_policy:}, or {@link TrafficPolicyFile#NONE}
 * @param tls              {@code mutual_tls_cas} and {@code mutual_tls_crls} (http), or {@code crt}/{@code key} (tls)
 * @param upstreamTls      {@code upstream.tls_verify} and {@code upstream.tls_verify_cas} (http)
 */
record EndpointConfig(String name, String proto, String hostname, int remotePort, URI upstream, String upstreamProtocol,
                      Boolean pooling, Boolean inspect, ConfigValue origin, TrafficPolicyFile trafficPolicy, EndpointTls tls,
                      dev.burrow.agent.forward.UpstreamTls upstreamTls) {

    EndpointConfig(String name, String proto, String hostname, int remotePort, URI upstream, String upstreamProtocol,
                   Boolean pooling, Boolean inspect, ConfigValue origin) {
        this(name, proto, hostname, remotePort, upstream, upstreamProtocol, pooling, inspect, origin, TrafficPolicyFile.NONE,
                EndpointTls.NONE, dev.burrow.agent.forward.UpstreamTls.defaults());
    }

    EndpointConfig withTrafficPolicy(TrafficPolicyFile policy) {
        return new EndpointConfig(name, proto, hostname, remotePort, upstream, upstreamProtocol, pooling, inspect, origin, policy,
                tls, upstreamTls);
    }

    EndpointConfig withTls(EndpointTls endpointTls, dev.burrow.agent.forward.UpstreamTls checks) {
        return new EndpointConfig(name, proto, hostname, remotePort, upstream, upstreamProtocol, pooling, inspect, origin,
                trafficPolicy, endpointTls, checks);
    }
}
