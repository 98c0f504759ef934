package dev.burrow.edge;

import dev.burrow.edge.cluster.ClusterNode;
import dev.burrow.edge.cluster.ClusterRouter;
import dev.burrow.edge.cluster.EndpointMirror;
import dev.burrow.edge.cluster.RelayPool;
import dev.burrow.edge.cluster.RelayServer;
import dev.burrow.edge.link.SessionTable;
import dev.burrow.edge.tcp.TcpEndpoints;
import dev.burrow.mux.WindowBudget;
import dev.burrow.protocol.PooledPayloads;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The node's own gauges and counters in {@code /metrics} (docs/operations.md), one group per component; Vert.x's
 * metrics and the policy decisions register themselves in the same registry.
 */
final class NodeMetrics {
    private final MeterRegistry metrics;

    NodeMetrics(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    NodeMetrics links(SessionTable sessions) {
        Gauge.builder("burrow_agent_links", sessions, SessionTable::liveSessionCount)
                .description("Agent sessions with a live link to this node").register(metrics);
        Gauge.builder("burrow_open_streams", sessions, SessionTable::openStreamCount)
                .description("Streams open on this node's agent links").register(metrics);
        Gauge.builder("burrow_pooled_payloads", PooledPayloads::outstanding)
                .description("Response body buffers from agent links held in pooled direct memory, on their way to a client")
                .register(metrics);
        Gauge.builder("burrow_pooled_payload_bytes", PooledPayloads::outstandingBytes)
                .description("Bytes of those buffers").register(metrics);
        Gauge.builder("burrow_mux_widened_window_bytes", WindowBudget.process(), WindowBudget::taken)
                .description("Bytes by which streams' receive windows are widened past their initial window, all links together"
                        + " (at most the node's widening budget)").register(metrics);
        return this;
    }

    NodeMetrics cluster(EndpointMirror mirror, ClusterNode clusterNode, RelayPool relayPool, ClusterRouter router,
                        RelayServer relayServer) {
        Gauge.builder("burrow_endpoints", mirror, EndpointMirror::size)
                .description("Endpoints registered in the cluster").register(metrics);
        Gauge.builder("burrow_cluster_members", clusterNode, ClusterNode::memberCount)
                .description("Members of the cluster as this node sees it").register(metrics);
        Gauge.builder("burrow_relay_links", relayPool, RelayPool::readyCount)
                .description("Ready relay links from this node to other nodes").register(metrics);
        FunctionCounter.builder("burrow_relayed_streams", router, ClusterRouter::relayedCount)
                .description("Public connections and requests this node relayed to another node").register(metrics);
        FunctionCounter.builder("burrow_relay_streams_served", relayServer, RelayServer::streamsServed)
                .description("Relayed streams this node passed to its agents").register(metrics);
        FunctionCounter.builder("burrow_region_lookups_answered", relayServer, RelayServer::lookupsAnswered)
                .description("Endpoint lookups this node answered for other regions").register(metrics);
        return this;
    }

    NodeMetrics listeners(PublicListeners listeners) {
        Gauge.builder("burrow_tcp_listeners", listeners.tcp(), TcpEndpoints::listenerCount)
                .description("TCP endpoint ports this node listens on").register(metrics);
        listeners.udp().registerMetrics(metrics);
        return this;
    }
}
