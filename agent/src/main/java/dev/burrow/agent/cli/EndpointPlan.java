package dev.burrow.agent.cli;

import java.net.URI;

/**
 * One endpoint the runner opens: from the command line ({@code burrow http|tcp}, named "command_line") or from a
 * config file's {@code endpoints:} ({@code burrow start}).
 */
record EndpointPlan(String name, String proto, URI upstream, String hostname, String subdomain, int remotePort,
                    boolean pooling, boolean inspect, boolean http2, dev.burrow.agent.UdpFlowSettings udp,
                    TrafficPolicyFile trafficPolicy, dev.burrow.agent.forward.UpstreamTls upstreamTls, EndpointTls tls) {

    EndpointPlan(String name, String proto, URI upstream, String hostname, String subdomain, int remotePort,
                 boolean pooling, boolean inspect, boolean http2) {
        this(name, proto, upstream, hostname, subdomain, remotePort, pooling, inspect, http2,
                dev.burrow.agent.UdpFlowSettings.defaults(), TrafficPolicyFile.NONE, dev.burrow.agent.forward.UpstreamTls.defaults(), EndpointTls.NONE);
    }

    /** With the flow settings of a UDP endpoint. */
    EndpointPlan withUdp(dev.burrow.agent.UdpFlowSettings flows) {
        return new EndpointPlan(name, proto, upstream, hostname, subdomain, remotePort, pooling, inspect, http2, flows, trafficPolicy,
                upstreamTls, this.tls);
    }

    /** With the traffic policy the edge applies to this endpoint. */
    EndpointPlan withTrafficPolicy(TrafficPolicyFile policy) {
        return new EndpointPlan(name, proto, upstream, hostname, subdomain, remotePort, pooling, inspect, http2, udp, policy,
                upstreamTls, this.tls);
    }

    /** With how an https upstream's certificate is checked. */
    EndpointPlan withUpstreamTls(dev.burrow.agent.forward.UpstreamTls checks) {
        return new EndpointPlan(name, proto, upstream, hostname, subdomain, remotePort, pooling, inspect, http2, udp, trafficPolicy,
                checks, this.tls);
    }

    /** With the endpoint's own TLS settings (mutual TLS at the edge, or the agent's own termination). */
    EndpointPlan withTls(EndpointTls settings) {
        return new EndpointPlan(name, proto, upstream, hostname, subdomain, remotePort, pooling, inspect, http2, udp, trafficPolicy,
                upstreamTls, settings);
    }

    static EndpointPlan of(EndpointConfig config, AgentSettings settings) {
        return new EndpointPlan(config.name(), config.proto(), config.upstream(), config.hostname(), null, config.remotePort(),
                config.pooling() != null ? config.pooling() : settings.pooling(),
                config.inspect() != null ? config.inspect() : settings.inspect().enabled(),
                "http2".equals(config.upstreamProtocol())).withTrafficPolicy(config.trafficPolicy())
                .withTls(config.tls()).withUpstreamTls(config.upstreamTls());
    }
}
