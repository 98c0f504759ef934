package dev.burrow.agent.forward;

import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What one UDP endpoint's flows carried and dropped (the agent API shows it). Any thread. */
public final class UdpStats {
    final AtomicInteger activeFlows = new AtomicInteger();
    final AtomicLong flowsOpened = new AtomicLong();
    final AtomicLong flowsExpired = new AtomicLong();
    final AtomicLong toUpstream = new AtomicLong();
    final AtomicLong fromUpstream = new AtomicLong();
    /** A datagram from one visitor more than the flow cap allows. */
    final AtomicLong droppedFlowCap = new AtomicLong();
    /** A flow's queue to its upstream socket was full (the socket was still opening, or backed up). */
    final AtomicLong droppedFlowQueue = new AtomicLong();
    /** The link to the edge had its datagram queue full (or closed) when a reply was to go back. */
    final AtomicLong droppedLinkQueue = new AtomicLong();
    /** A reply larger than the protocol carries (65 507 bytes). */
    final AtomicLong droppedTooLarge = new AtomicLong();

    public int activeFlows() {
        return activeFlows.get();
    }

    public long flowsOpened() {
        return flowsOpened.get();
    }

    public long flowsExpired() {
        return flowsExpired.get();
    }

    public long droppedFlowCap() {
        return droppedFlowCap.get();
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("flows", activeFlows.get())
                .put("flows_opened", flowsOpened.get())
                .put("flows_expired", flowsExpired.get())
                .put("datagrams_to_upstream", toUpstream.get())
                .put("datagrams_from_upstream", fromUpstream.get())
                .put("dropped", new JsonObject()
                        .put("flow_cap", droppedFlowCap.get())
                        .put("flow_queue_full", droppedFlowQueue.get())
                        .put("link_queue_full", droppedLinkQueue.get())
                        .put("too_large", droppedTooLarge.get()));
    }
}
