package dev.burrow.edge.udp;

import dev.burrow.edge.config.UdpSettings;
import dev.burrow.edge.link.AgentLink;
import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.link.PortListeners;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointException;
import dev.burrow.protocol.ErrorCode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The public UDP sockets of this node, one per UDP endpoint of the cluster ({@link UdpPort}), so that a load balancer
 * in front of every node reaches each endpoint through any of them. Owns the sockets: {@link #close(String)} and
 * {@link #closeAll()} close them.
 */
public final class UdpEndpoints implements PortListeners {
    private static final Logger LOG = LoggerFactory.getLogger(UdpEndpoints.class);
    /**
     * Read buffer of each socket: above the largest UDP payload (65 527 over IPv6), so the kernel never truncates a
     * datagram and one over the limit is seen at its true size and dropped.
     */
    static final int RECEIVE_BUFFER = 65_536;

    private final Vertx vertx;
    private final String bindAddress;
    private final UdpSettings settings;
    private final AgentLinks links;
    private final String nodeName;
    private final UdpCounters counters = new UdpCounters();
    private final Map<String, Future<UdpPort>> ports = new ConcurrentHashMap<>();
    private volatile VisitorCheck visitorCheck = VisitorCheck.ALLOW_ALL;

    public UdpEndpoints(Vertx vertx, String bindAddress, UdpSettings settings, AgentLinks links, String nodeName) {
        this.vertx = vertx;
        this.bindAddress = bindAddress;
        this.settings = settings;
        this.links = links;
        this.nodeName = nodeName;
    }

    public UdpSettings settings() {
        return settings;
    }

    /** Who may send to the endpoints (the connection phase of the module chain); call before any port opens. */
    public UdpEndpoints visitorCheck(VisitorCheck check) {
        this.visitorCheck = check;
        return this;
    }

    @Override
    public Future<Void> open(Endpoint endpoint) {
        Future<UdpPort> listening = ports.computeIfAbsent(endpoint.id(), id -> listen(endpoint));
        listening.onSuccess(port -> port.endpoint(endpoint));
        return listening.<Void>mapEmpty().recover(error -> {
            ports.remove(endpoint.id(), listening);
            return Future.failedFuture(new EndpointException(ErrorCode.PORT_UNAVAILABLE, "UDP port " + endpoint.port()
                    + " could not be opened on " + bindAddress + ": " + error.getMessage()));
        });
    }

    private Future<UdpPort> listen(Endpoint endpoint) {
        Context context = contextFor(endpoint);
        Promise<UdpPort> opened = Promise.promise();
        context.runOnContext(v -> vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(RECEIVE_BUFFER))
                .listen(endpoint.port(), bindAddress)
                .map(socket -> new UdpPort(socket, context, endpoint, links, nodeName, settings.maxDatagram(), counters, visitorCheck))
                .onSuccess(port -> LOG.info("UDP endpoint listening on {}:{}", bindAddress, endpoint.port()))
                .onComplete(opened));
        return opened.future();
    }

    /**
     * The event loop of the link that serves the endpoint, when there is one: the socket's reads, the port's state,
     * the stream's writes and the replies then all run on one thread, and a datagram crosses no thread on its way
     * through the node (each hop wakes another thread and costs tens of microseconds on an idle machine). Otherwise
     * (no link yet, a node that relays) a context of its own.
     */
    private Context contextFor(Endpoint endpoint) {
        AgentLink link = links.find(endpoint);
        return link != null ? link.context() : vertx.getOrCreateContext();
    }

    @Override
    public Future<Void> close(String endpointId) {
        Future<UdpPort> listening = ports.remove(endpointId);
        if (listening == null) {
            return Future.succeededFuture();
        }
        return listening.compose(UdpPort::close, error -> Future.succeededFuture());
    }

    /** Closes every UDP endpoint socket (a drain too: UDP has no connection to let finish). */
    public Future<Void> closeAll() {
        List<Future<Void>> closing = new ArrayList<>();
        for (String id : List.copyOf(ports.keySet())) {
            closing.add(close(id));
        }
        return Future.join(closing).mapEmpty();
    }

    /** Ports currently open, for diagnostics and tests. */
    public int listenerCount() {
        return ports.size();
    }

    public UdpCounters counters() {
        return counters;
    }

    public void registerMetrics(MeterRegistry metrics) {
        Gauge.builder("burrow_udp_listeners", this, UdpEndpoints::listenerCount)
                .description("UDP endpoint ports this node listens on").register(metrics);
        counters.register(metrics);
    }
}
