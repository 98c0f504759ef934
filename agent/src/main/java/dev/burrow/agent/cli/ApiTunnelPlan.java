package dev.burrow.agent.cli;

import dev.burrow.agent.api.TunnelRequest;
import dev.burrow.agent.internal.HostPort;

import java.net.URI;

/** A {@code POST /api/tunnels} request as an endpoint plan, checked as the same flags on the command line are. */
final class ApiTunnelPlan {
    private ApiTunnelPlan() {
    }

    /** Throws {@link TunnelRequest.Refused} (400) with the command line's sentence for a bad value. */
    static EndpointPlan of(TunnelRequest request, AgentSettings settings) {
        boolean pooling = request.pooling() != null ? request.pooling() : settings.pooling();
        try {
            if (request.proto().equals("tcp")) {
                HostPort target = UpstreamArgument.tcp(request.addr());
                return new EndpointPlan(request.name(), "tcp", URI.create("tcp://" + target), null, null,
                        request.remotePort(), pooling, false, false);
            }
            String hostname = request.hostname() == null ? null : HttpCommand.hostname(request.hostname(), "hostname");
            boolean inspect = request.inspect() != null ? request.inspect() : settings.inspect().enabled();
            return new EndpointPlan(request.name(), "http", UpstreamArgument.http(request.addr()), hostname,
                    request.subdomain(), 0, pooling, inspect, false);
        } catch (IllegalArgumentException e) {
            throw new TunnelRequest.Refused(400, e.getMessage());
        }
    }
}
