package dev.burrow.edge.region;

import dev.burrow.edge.cluster.RelayLink;
import dev.burrow.edge.cluster.RelayPool;
import dev.burrow.edge.link.AgentLink;
import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.registry.Endpoint;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Routes a stream of an endpoint served in another region over the relay link to that region (same multiplexed
 * relay protocol and flow control as between the nodes of one region); every other endpoint as this region's router.
 */
public final class RegionalLinks implements AgentLinks {
    private final AgentLinks local;
    private final RegionRelays regions;
    private final RegionDirectory directory;
    private final AtomicLong relayed = new AtomicLong();

    public RegionalLinks(AgentLinks local, RegionRelays regions, RegionDirectory directory) {
        this.local = local;
        this.regions = regions;
        this.directory = directory;
    }

    @Override
    public AgentLink find(String sessionId) {
        return local.find(sessionId);
    }

    @Override
    public AgentLink find(Endpoint endpoint) {
        if (!RegionalRegistry.isRemote(endpoint)) {
            return local.find(endpoint);
        }
        RelayPool.Peer peer = regions.ready(endpoint.sessionId());
        if (peer == null) {
            if (endpoint.hostname() != null) { // a TCP port of another region has no hostname
                directory.forget(endpoint.hostname());
            }
            return null;
        }
        relayed.incrementAndGet();
        return new RelayLink(peer, endpoint.sessionId());
    }

    /** Streams sent to another region so far. */
    public long relayedCount() {
        return relayed.get();
    }
}
