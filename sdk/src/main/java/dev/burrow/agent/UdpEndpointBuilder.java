package dev.burrow.agent;

import dev.burrow.agent.forward.UdpForwarder;
import dev.burrow.agent.forward.UdpStats;
import dev.burrow.agent.internal.EndpointSpec;
import dev.burrow.agent.internal.HostPort;
import dev.burrow.agent.internal.SessionEngine;
import io.vertx.core.Future;

import java.net.URI;
import java.time.Duration;

/**
 * Configures a UDP endpoint: a public UDP port on the edge whose datagrams reach {@code upstream} from one socket per
 * visitor, so that each visitor gets the upstream's replies.
 */
public final class UdpEndpointBuilder {
    private final SessionEngine engine;
    private final UdpStats stats = new UdpStats();
    private int port;
    private Duration idleTimeout = UdpFlowSettings.DEFAULT_IDLE_TIMEOUT;
    private int maxFlows = UdpFlowSettings.DEFAULT_MAX_FLOWS;
    private dev.burrow.protocol.EndpointSettings settings = dev.burrow.protocol.EndpointSettings.DEFAULTS;

    UdpEndpointBuilder(SessionEngine engine) {
        this.engine = engine;
    }

    /** The public UDP port to ask for; 0 (the default) lets the edge pick one from its range. */
    public UdpEndpointBuilder port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
        }
        this.port = port;
        return this;
    }

    /** How long a visitor's flow (and its upstream socket) lives without a datagram either way (default 120 s). */
    public UdpEndpointBuilder idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return this;
    }

    /** Visitors served at once (default 1024); datagrams of more are dropped and counted. */
    public UdpEndpointBuilder maxFlows(int flows) {
        this.maxFlows = flows;
        return this;
    }

    /**
     * The endpoint's traffic policy (ngrok's Traffic Policy document, YAML or JSON). Its {@code on_tcp_connect} phase
     * ({@code restrict-ips}, {@code deny}) runs at the edge once per visitor address: a refused visitor's datagrams are
     * dropped there and counted, and never reach this agent.
     */
    public UdpEndpointBuilder trafficPolicy(String document) {
        this.settings = settings.withTrafficPolicy(document);
        return this;
    }

    /** What the endpoint's flows carried and dropped, live. */
    public UdpStats stats() {
        return stats;
    }

    /** Binds the endpoint and forwards every visitor's datagrams to {@code upstream} ("host:port"). */
    public Future<Forwarder> forward(String upstream) {
        HostPort target;
        UdpFlowSettings flows;
        try {
            target = HostPort.parse(upstream, "upstream");
            flows = new UdpFlowSettings(idleTimeout, maxFlows);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        URI uri = URI.create("udp://" + target);
        return engine.forward(EndpointSpec.udp(port, uri.toString(), settings), uri,
                (vertx, options) -> new UdpForwarder(vertx, target, flows, stats));
    }
}
