package dev.burrow.edge.udp;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicLong;

/** What this node's UDP endpoints carried and dropped, for {@code /metrics}. Any thread. */
public final class UdpCounters {
    final AtomicLong fromVisitors = new AtomicLong();
    final AtomicLong toVisitors = new AtomicLong();
    /** Larger than {@code --udp-max-datagram}, either way. */
    final AtomicLong droppedTooLarge = new AtomicLong();
    /** The link to the agent (or to the relaying node) had its datagram queue full, or the stream was just closing. */
    final AtomicLong droppedLinkQueue = new AtomicLong();
    /** No node has a live link to the endpoint's agent. */
    final AtomicLong droppedNoAgent = new AtomicLong();
    /** Replies waiting for the public socket passed the per-port bound. */
    final AtomicLong droppedReplyQueue = new AtomicLong();
    /** A reply to an address that has not sent to the port lately (the edge is no reflector). */
    final AtomicLong droppedUnknownVisitor = new AtomicLong();
    /** The endpoint's traffic policy refused the visitor, or had not decided yet. */
    final AtomicLong droppedRefused = new AtomicLong();

    public long fromVisitors() {
        return fromVisitors.get();
    }

    public long toVisitors() {
        return toVisitors.get();
    }

    public long dropped() {
        return droppedTooLarge.get() + droppedLinkQueue.get() + droppedNoAgent.get() + droppedReplyQueue.get()
                + droppedUnknownVisitor.get() + droppedRefused.get();
    }

    public void register(MeterRegistry metrics) {
        FunctionCounter.builder("burrow_udp_datagrams_received", fromVisitors, AtomicLong::get)
                .description("Datagrams visitors sent to this node's UDP endpoint ports").register(metrics);
        FunctionCounter.builder("burrow_udp_datagrams_sent", toVisitors, AtomicLong::get)
                .description("Datagrams this node sent back to visitors").register(metrics);
        dropped(metrics, "too_large", droppedTooLarge, "larger than --udp-max-datagram");
        dropped(metrics, "link_queue_full", droppedLinkQueue, "the link's datagram queue was full");
        dropped(metrics, "no_agent", droppedNoAgent, "no live link to the endpoint's agent");
        dropped(metrics, "unknown_visitor", droppedUnknownVisitor, "a reply to an address that did not send lately");
        dropped(metrics, "reply_queue_full", droppedReplyQueue, "replies waiting for the public socket passed the bound");
        dropped(metrics, "refused", droppedRefused, "the endpoint's traffic policy refused the visitor (or was still deciding)");
    }

    private static void dropped(MeterRegistry metrics, String reason, AtomicLong counter, String why) {
        FunctionCounter.builder("burrow_udp_datagrams_dropped", counter, AtomicLong::get).tag("reason", reason)
                .description("UDP datagrams dropped, by reason: " + why).register(metrics);
    }
}
