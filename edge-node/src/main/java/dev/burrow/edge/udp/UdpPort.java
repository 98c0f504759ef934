package dev.burrow.edge.udp;

import dev.burrow.edge.link.AgentLink;
import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.mux.MuxStream;
import dev.burrow.protocol.Datagram;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The public socket of one UDP endpoint on this node, and the one stream its visitors' datagrams travel on: every
 * visitor of the endpoint shares it (each datagram names its visitor), so visitors cost the edge no state and no
 * stream. The stream goes to the agent's link here, or to another node that has one (which splices it onto its own
 * link); replies come back on it and leave through this socket, the address the visitor sent to. When the stream
 * ends (link lost), the next datagram opens a new one.
 *
 * <p>Visitor-side state runs on the socket's context; replies arrive on the link's event loop and only touch the
 * socket (thread-safe) and atomic counters.
 */
final class UdpPort {
    /** Datagrams held while the stream is being opened (the first ones of a burst), in bytes. */
    static final int MAX_WAITING_BYTES = 64 * 1024;
    /** Replies handed to the socket and not yet written, in bytes: beyond it replies are dropped. */
    static final int MAX_REPLY_BYTES = 1024 * 1024;

    /** Longer than the longest idle timeout an agent keeps a flow for (210 s), so a live flow's replies pass. */
    static final java.time.Duration VISITOR_EXPIRY = java.time.Duration.ofSeconds(300);

    private final DatagramSocket socket;
    private final Context context;
    private final AgentLinks links;
    private final String nodeName;
    private final int maxDatagram;
    private final UdpCounters counters;
    private final ArrayDeque<Datagram> waiting = new ArrayDeque<>();
    private final AtomicLong repliesInFlight = new AtomicLong();
    private final RecentVisitors visitors = new RecentVisitors(VISITOR_EXPIRY);
    private final VisitorCheck visitorCheck;
    private final VisitorVerdicts verdicts = new VisitorVerdicts(VISITOR_EXPIRY);
    private volatile Endpoint endpoint;
    private MuxStream stream;
    private boolean opening;
    private boolean closed;
    private int waitingBytes;

    UdpPort(DatagramSocket socket, Context context, Endpoint endpoint, AgentLinks links, String nodeName, int maxDatagram,
            UdpCounters counters, VisitorCheck visitorCheck) {
        this.socket = socket;
        this.visitorCheck = visitorCheck;
        this.context = context;
        this.endpoint = endpoint;
        this.links = links;
        this.nodeName = nodeName;
        this.maxDatagram = maxDatagram;
        this.counters = counters;
        socket.handler(this::onPacket);
    }

    /** The registry's newest view of the endpoint (another session may serve it after a reconnect). */
    void endpoint(Endpoint newer) {
        Endpoint older = this.endpoint;
        this.endpoint = newer;
        if (!java.util.Objects.equals(older.settings().trafficPolicy(), newer.settings().trafficPolicy())) {
            context.runOnContext(v -> verdicts.clear());
        }
    }

    int port() {
        return endpoint.port();
    }

    /** Closes the socket and resets the stream; datagrams waiting are dropped. */
    Future<Void> close() {
        context.runOnContext(v -> {
            closed = true;
            waiting.clear();
            waitingBytes = 0;
            if (stream != null) {
                stream.reset(ErrorCode.STREAM_CANCELLED, "UDP endpoint " + endpoint.port() + " closed on " + nodeName);
                stream = null;
            }
        });
        return socket.close();
    }

    private void onPacket(DatagramPacket packet) {
        counters.fromVisitors.incrementAndGet();
        if (packet.data().length() > maxDatagram) {
            counters.droppedTooLarge.incrementAndGet();
            return;
        }
        Datagram datagram = new Datagram(Datagram.address(packet.sender().hostAddress(), packet.sender().port()), packet.data());
        if (!admitted(datagram.address(), packet.sender())) {
            counters.droppedRefused.incrementAndGet();
            return;
        }
        visitors.seen(datagram.address());
        if (stream != null) {
            if (!stream.writeDatagram(datagram)) {
                counters.droppedLinkQueue.incrementAndGet();
            }
            return;
        }
        if (closed || waitingBytes + datagram.size() > MAX_WAITING_BYTES) {
            counters.droppedLinkQueue.incrementAndGet();
            return;
        }
        waiting.add(datagram);
        waitingBytes += datagram.size();
        if (!opening) {
            openStream();
        }
    }

    /**
     * Whether the visitor passed the connection phase: asked once per visitor address and remembered. Datagrams that
     * arrive while an asynchronous decision is pending are dropped (UDP has no backpressure to hold them with).
     */
    private boolean admitted(String address, io.vertx.core.net.SocketAddress sender) {
        Endpoint current = endpoint;
        if (!current.settings().hasTrafficPolicy()) {
            return true;
        }
        VisitorVerdicts.Decision known = verdicts.get(address);
        if (known != null) {
            return known == VisitorVerdicts.Decision.ALLOWED;
        }
        io.vertx.core.Future<dev.burrow.policy.Verdict> verdict = visitorCheck.check(current, sender);
        if (verdict.isComplete()) {
            boolean allowed = verdict.succeeded() && verdict.result() instanceof dev.burrow.policy.Verdict.Proceed;
            verdicts.put(address, allowed ? VisitorVerdicts.Decision.ALLOWED : VisitorVerdicts.Decision.REFUSED);
            return allowed;
        }
        verdicts.put(address, VisitorVerdicts.Decision.PENDING);
        verdict.onComplete(ar -> context.runOnContext(v -> verdicts.put(address,
                ar.succeeded() && ar.result() instanceof dev.burrow.policy.Verdict.Proceed
                        ? VisitorVerdicts.Decision.ALLOWED : VisitorVerdicts.Decision.REFUSED)));
        return false;
    }

    private void openStream() {
        Endpoint current = endpoint;
        AgentLink link = links.find(current);
        if (link == null) {
            dropWaiting(counters.droppedNoAgent);
            return;
        }
        opening = true;
        link.openStream(StreamOpen.udp(current.id(), nodeName)).onComplete(opened -> context.runOnContext(v -> {
            opening = false;
            if (opened.failed() || closed) {
                if (opened.succeeded()) {
                    opened.result().reset(ErrorCode.STREAM_CANCELLED, "UDP endpoint closed");
                }
                dropWaiting(counters.droppedNoAgent);
                return;
            }
            attach(opened.result());
        }));
    }

    private void attach(MuxStream opened) {
        stream = opened;
        opened.datagramHandler(this::reply);
        opened.exceptionHandler(error -> { });
        opened.closed().onComplete(ar -> context.runOnContext(v -> {
            if (stream == opened) {
                stream = null;
            }
        }));
        Datagram next;
        while ((next = waiting.poll()) != null) {
            if (!opened.writeDatagram(next)) {
                counters.droppedLinkQueue.incrementAndGet();
            }
        }
        waitingBytes = 0;
    }

    private void dropWaiting(AtomicLong reason) {
        reason.addAndGet(waiting.size());
        waiting.clear();
        waitingBytes = 0;
    }

    /** A reply from the agent: out through this socket to the visitor it names. Runs on the link's event loop. */
    private void reply(Datagram datagram) {
        int size = datagram.payload().length();
        int port = datagram.port();
        if (size > maxDatagram) {
            counters.droppedTooLarge.incrementAndGet();
            return;
        }
        if (port <= 0 || port > 65_535 || !visitors.isRecent(datagram.address())) {
            counters.droppedUnknownVisitor.incrementAndGet();
            return;
        }
        if (repliesInFlight.addAndGet(size) > MAX_REPLY_BYTES) {
            repliesInFlight.addAndGet(-size);
            counters.droppedReplyQueue.incrementAndGet();
            return;
        }
        socket.send(datagram.payload(), port, datagram.host()).onComplete(ar -> {
            repliesInFlight.addAndGet(-size);
            if (ar.succeeded()) {
                counters.toVisitors.incrementAndGet();
            }
        });
    }
}
