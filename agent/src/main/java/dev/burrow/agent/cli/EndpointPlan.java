package dev.burrow.agent.cli;

import java.net.URI;

/**
 * One endpoint the runner opens: from the command line ({@code burrow http|tcp}, named "command_line") or from a
 * config file's {@code endpoints:} ({@code burrow start}).
 */
record EndpointPlan(String name, String proto, URI upstream, String hostname, String subdomain, int remotePort,
                    boolean pooling, boolean inspect, boolean http2, dev.burrow.agent.UdpFlowSettings udp,
                    TrafficPolicyFile trafficPolicy, dev.burrow.agent.forward.UpstreamTls upstreamTls, String mutualTlsCas) {

    EndpointPlan(String name, String proto, URI upstream, String hostname, String subdomain, int remotePort,
                 boolean pooling, boolean inspect, boolean http2) {
        this(name, proto, upstream, hostname, subdomain, remotePort, pooling, inspect, http2,
                dev.burrow.agent.UdpFlowSettings.defaults(), TrafficPolicyFile.NONE, dev.burrow.agent.forward.UpstreamTls.defaults(), null);
    }

    /** With the flow settings of a UDP endpoint. */
    EndpointPlan withUdp(dev.burrow.agent.UdpFlowSettings flows) {
        return new EndpointPlan(name, proto, upstream, hostname, subdomain, remotePort, pooling, inspect, http2, flows, trafficPolicy,
                upstreamTls, mutualTlsCas);
    }

    /** With the traffic policy the edge applies to this endpoint. */
    EndpointPlan withTrafficPolicy(TrafficPolicyFile policy) {
        return new EndpointPlan(name, proto, upstream, hostname, subdomain, remotePort, pooling, inspect, http2, udp, policy,
                upstreamTls, mutualTlsCas);
    }

    /** With how an https upstream's certificate is checked. */
    EndpointPlan withUpstreamTls(dev.burrow.agent.forward.UpstreamTls tls) {
        return new EndpointPlan(name, proto, upstream, hostname, subdomain, remotePort, pooling, inspect, http2, udp, trafficPolicy,
                tls, mutualTlsCas);
    }

    /** With the CAs (PEM) whose client certificates the edge requires of HTTPS visitors; null: none. */
    EndpointPlan withMutualTlsCas(String pem) {
        return new EndpointPlan(name, proto, upstream, hostname, subdomain, remotePort, pooling, inspect, http2, udp, trafficPolicy,
                upstreamTls, pem);
    }

    static EndpointPlan of(EndpointConfig config, AgentSettings settings) {
        return new EndpointPlan(config.name(), config.proto(), config.upstream(), config.hostname(), null, config.remotePort(),
                config.pooling() != null ? config.pooling() : settings.pooling(),
                config.inspect() != null ? config.inspect() : settings.inspect().enabled(),
                "http2".equals(config.upstreamProtocol())).withTrafficPolicy(config.trafficPolicy());
    }
}
