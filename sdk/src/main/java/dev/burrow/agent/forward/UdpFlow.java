package dev.burrow.agent.forward;

import dev.burrow.agent.TunnelConnection;
import dev.burrow.agent.internal.HostPort;
import dev.burrow.protocol.Datagram;
import dev.burrow.protocol.ProtocolLimits;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

import java.util.ArrayDeque;

/**
 * One visitor of a UDP endpoint, as the upstream sees it: a socket of its own, so the upstream's replies come back to
 * this socket and go to this visitor. Datagrams to the upstream wait in a bounded queue (while the socket opens, or
 * while the kernel has not taken earlier ones); past the bound they are dropped and counted. Any thread: the link's
 * event loop sends, the socket's context receives.
 */
final class UdpFlow {
    /** Bytes of this flow's datagrams not yet handed to the kernel. */
    static final int MAX_QUEUED_BYTES = 64 * 1024;
    /** Read buffer of the upstream socket: above any UDP payload, so an over-long reply is seen whole and dropped. */
    static final int RECEIVE_BUFFER = 65_536;

    private final String visitor;
    private final TunnelConnection connection;
    private final HostPort upstream;
    private final UdpStats stats;
    private final ArrayDeque<Buffer> waiting = new ArrayDeque<>();
    private DatagramSocket socket;
    private long queuedBytes;
    private boolean closed;
    private volatile long lastActiveNanos = System.nanoTime();

    UdpFlow(String visitor, TunnelConnection connection, HostPort upstream, UdpStats stats) {
        this.visitor = visitor;
        this.connection = connection;
        this.upstream = upstream;
        this.stats = stats;
    }

    /** Opens the upstream socket; {@code failed} runs if it cannot be opened (the flow is then dead). */
    void open(Vertx vertx, Runnable failed) {
        boolean ipv6 = upstream.host().contains(":");
        // A loopback upstream gets a loopback socket: nothing off the machine can send to the flow's port.
        boolean loopback = upstream.host().startsWith("127.") || upstream.host().equals("::1");
        vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(ipv6).setReceiveBufferSize(RECEIVE_BUFFER))
                .listen(0, loopback ? upstream.host() : ipv6 ? "::" : "0.0.0.0")
                .onComplete(ar -> {
                    if (ar.failed()) {
                        failed.run();
                        return;
                    }
                    ready(ar.result());
                });
    }

    private synchronized void ready(DatagramSocket opened) {
        if (closed) {
            opened.close();
            return;
        }
        socket = opened;
        opened.handler(this::fromUpstream);
        Buffer next;
        while ((next = waiting.poll()) != null) {
            send(next);
        }
    }

    /** A datagram from the visitor, for the upstream. */
    synchronized void toUpstream(Buffer payload) {
        lastActiveNanos = System.nanoTime();
        if (closed || queuedBytes + payload.length() > MAX_QUEUED_BYTES) {
            stats.droppedFlowQueue.incrementAndGet();
            return;
        }
        queuedBytes += payload.length();
        if (socket == null) {
            waiting.add(payload);
        } else {
            send(payload);
        }
    }

    private void send(Buffer payload) {
        socket.send(payload, upstream.port(), upstream.host()).onComplete(ar -> {
            synchronized (this) {
                queuedBytes -= payload.length();
            }
            if (ar.succeeded()) {
                stats.toUpstream.incrementAndGet();
            }
        });
    }

    /**
     * A reply: to the visitor, if it comes from the upstream's port, and from its address when the upstream is given
     * as an IPv4 address (anything else is not the upstream talking).
     */
    private void fromUpstream(DatagramPacket packet) {
        if (packet.sender().port() != upstream.port()
                || (isIpv4Literal(upstream.host()) && !upstream.host().equals(packet.sender().hostAddress()))) {
            return;
        }
        lastActiveNanos = System.nanoTime();
        if (packet.data().length() > ProtocolLimits.MAX_DATAGRAM_SIZE) {
            stats.droppedTooLarge.incrementAndGet();
            return;
        }
        if (connection.writeDatagram(new Datagram(visitor, packet.data()))) {
            stats.fromUpstream.incrementAndGet();
        } else {
            stats.droppedLinkQueue.incrementAndGet();
        }
    }

    private static boolean isIpv4Literal(String host) {
        return host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    boolean idleLongerThan(long idleNanos, long nowNanos) {
        return nowNanos - lastActiveNanos > idleNanos;
    }

    synchronized void close() {
        closed = true;
        waiting.clear();
        if (socket != null) {
            socket.close();
        }
    }
}
