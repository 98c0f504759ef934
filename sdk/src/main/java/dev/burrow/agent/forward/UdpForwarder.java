package dev.burrow.agent.forward;

import dev.burrow.agent.TunnelConnection;
import dev.burrow.agent.UdpFlowSettings;
import dev.burrow.agent.internal.HostPort;
import dev.burrow.protocol.Datagram;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries a UDP endpoint's datagrams to its upstream: one {@link UdpFlow} (one upstream socket) per visitor address
 * and edge connection, at most {@link UdpFlowSettings#maxFlows()} at once, each closed once idle for
 * {@link UdpFlowSettings#idleTimeout()}. A sweep every quarter of the idle timeout (at most every second) finds them.
 */
public final class UdpForwarder implements ConnectionForwarder {
    private record FlowKey(TunnelConnection connection, String visitor) {
    }

    private final Vertx vertx;
    private final HostPort upstream;
    private final UdpFlowSettings settings;
    private final UdpStats stats;
    private final Map<FlowKey, UdpFlow> flows = new ConcurrentHashMap<>();
    private final long sweepTimer;
    private volatile boolean closed;

    public UdpForwarder(Vertx vertx, HostPort upstream, UdpFlowSettings settings, UdpStats stats) {
        this.vertx = vertx;
        this.stats = stats;
        // Replies are matched by port, and an IPv4 socket cannot reach the ::1 that "localhost" may resolve to.
        this.upstream = upstream.host().equalsIgnoreCase("localhost") ? new HostPort("127.0.0.1", upstream.port()) : upstream;
        this.settings = settings;
        long sweepMillis = Math.max(100, Math.min(1000, settings.idleTimeout().toMillis() / 4));
        this.sweepTimer = vertx.setPeriodic(sweepMillis, id -> expireIdle());
    }

    public UdpStats stats() {
        return stats;
    }

    @Override
    public void handle(TunnelConnection connection) {
        if (connection.kind() != StreamOpen.Kind.UDP) {
            connection.reset(ErrorCode.UNSUPPORTED_PROTOCOL, "this agent forwards UDP datagrams on this endpoint, not "
                    + connection.kind() + " connections");
            return;
        }
        connection.exceptionHandler(error -> { });
        connection.datagramHandler(datagram -> onDatagram(connection, datagram));
        connection.closed().onComplete(ar -> closeFlowsOf(connection));
    }

    private void onDatagram(TunnelConnection connection, Datagram datagram) {
        FlowKey key = new FlowKey(connection, datagram.address());
        UdpFlow flow = flows.get(key);
        if (flow == null) {
            flow = openFlow(key);
            if (flow == null) {
                return;
            }
        }
        flow.toUpstream(datagram.payload());
    }

    private UdpFlow openFlow(FlowKey key) {
        if (closed || stats.activeFlows.incrementAndGet() > settings.maxFlows()) {
            stats.activeFlows.decrementAndGet();
            stats.droppedFlowCap.incrementAndGet();
            return null;
        }
        UdpFlow flow = new UdpFlow(key.visitor(), key.connection(), upstream, stats);
        UdpFlow raced = flows.putIfAbsent(key, flow);
        if (raced != null) {
            stats.activeFlows.decrementAndGet();
            return raced;
        }
        stats.flowsOpened.incrementAndGet();
        flow.open(vertx, () -> remove(key, flow));
        return flow;
    }

    private void expireIdle() {
        long now = System.nanoTime();
        long idleNanos = settings.idleTimeout().toNanos();
        flows.forEach((key, flow) -> {
            if (flow.idleLongerThan(idleNanos, now) && remove(key, flow)) {
                stats.flowsExpired.incrementAndGet();
            }
        });
    }

    private void closeFlowsOf(TunnelConnection connection) {
        flows.forEach((key, flow) -> {
            if (key.connection() == connection) {
                remove(key, flow);
            }
        });
    }

    private boolean remove(FlowKey key, UdpFlow flow) {
        if (!flows.remove(key, flow)) {
            return false;
        }
        stats.activeFlows.decrementAndGet();
        flow.close();
        return true;
    }

    @Override
    public Future<Void> close() {
        closed = true;
        vertx.cancelTimer(sweepTimer);
        flows.forEach(this::remove);
        return Future.succeededFuture();
    }
}
