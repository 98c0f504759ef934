package dev.burrow.agent.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The edge addresses a session knows: the ones it was given for the first contact, and the ones edge nodes listed
 * in {@code AuthResult.edgeNodes}. Picks where the next link goes. Nodes are told apart only by what the edge says:
 * each node lists the <em>other</em> nodes, so an address that every live link's node lists is a node the session
 * has no link to yet. Not thread-safe: owned by one session.
 */
final class EdgeNodes {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeNodes.class);

    private final List<String> seeds;
    private final Set<String> learned = new LinkedHashSet<>();
    private final Map<String, Long> lastFailure = new HashMap<>();
    private long failures;

    EdgeNodes(List<String> seeds) {
        this.seeds = List.copyOf(seeds);
    }

    /** Normalises the addresses an edge listed ("host:port"); malformed entries are logged and skipped. */
    static List<String> normalise(Collection<String> listed) {
        List<String> addresses = new ArrayList<>();
        for (String entry : listed) {
            try {
                addresses.add(HostPort.parse(entry, "edge node address").toString());
            } catch (IllegalArgumentException e) {
                LOG.warn("ignoring an edge node the edge listed: {}", e.getMessage());
            }
        }
        return addresses;
    }

    void learn(Collection<String> addresses) {
        learned.addAll(addresses);
    }

    /** A link to {@code address} failed or was lost: try other addresses before it next time. */
    void failed(String address) {
        lastFailure.put(address, ++failures);
    }

    void succeeded(String address) {
        lastFailure.remove(address);
    }

    /**
     * Where a link goes while the session has no live link: any known address, first-contact addresses before
     * learned ones, the least recently failed first.
     */
    String firstContact() {
        Set<String> all = new LinkedHashSet<>(seeds);
        all.addAll(learned);
        return leastRecentlyFailed(all);
    }

    /**
     * Where a further link goes: an address that the node of every live link lists as another node (so it is none
     * of theirs) and that no link uses or dials ({@code busy}); the least recently failed first. Null when there is
     * none: the cluster has no node the session is not linked to already.
     *
     * @param listedByLiveLinks for each live link, the {@code edgeNodes} its node sent
     */
    String another(List<List<String>> listedByLiveLinks, Set<String> busy) {
        if (listedByLiveLinks.isEmpty()) {
            return null;
        }
        Set<String> candidates = new LinkedHashSet<>(listedByLiveLinks.get(0));
        for (List<String> listed : listedByLiveLinks.subList(1, listedByLiveLinks.size())) {
            candidates.retainAll(listed);
        }
        candidates.removeAll(busy);
        return leastRecentlyFailed(candidates);
    }

    private String leastRecentlyFailed(Collection<String> candidates) {
        String best = null;
        long bestFailure = Long.MAX_VALUE;
        for (String candidate : candidates) {
            long failure = lastFailure.getOrDefault(candidate, 0L);
            if (best == null || failure < bestFailure) {
                best = candidate;
                bestFailure = failure;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "EdgeNodes[seeds=" + seeds + ", learned=" + learned + "]";
    }
}
