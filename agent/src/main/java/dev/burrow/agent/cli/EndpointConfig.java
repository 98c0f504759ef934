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
 */
record EndpointConfig(String name, String proto, String hostname, int remotePort, URI upstream, String upstreamProtocol,
                      Boolean pooling, Boolean inspect, ConfigValue origin) {
}
