package dev.burrow.edge.cluster;

import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.edge.registry.LinkRef;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * This node's copy of the cluster's endpoint records, kept by the registry's entry events: which nodes hold a link of
 * each session (for routing without a remote call per request), and the port endpoints (TCP and UDP) every node must
 * listen for: the listener callbacks get both, each record saying its protocol.
 */
public final class EndpointMirror {
    private final Map<String, EndpointRecord> byKey = new ConcurrentHashMap<>();
    /** endpoint id → key, so that a stream naming only its endpoint id (relayed from another region) is routed locally. */
    private final Map<String, String> keyById = new ConcurrentHashMap<>();
    /** session id → node → number of that session's endpoints the node serves. */
    private final Map<String, Map<String, Integer>> nodesBySession = new HashMap<>();
    private final Consumer<EndpointRecord> tcpAdded;
    private final Consumer<EndpointRecord> tcpRemoved;

    public EndpointMirror(Consumer<EndpointRecord> tcpAdded, Consumer<EndpointRecord> tcpRemoved) {
        this.tcpAdded = tcpAdded;
        this.tcpRemoved = tcpRemoved;
    }

    public void changed(EndpointRecord record) {
        EndpointRecord previous;
        synchronized (this) {
            previous = byKey.put(record.key(), record);
            if (previous != null && !previous.id().equals(record.id())) {
                keyById.remove(previous.id(), previous.key());
            }
            keyById.put(record.id(), record.key());
            count(previous, -1);
            count(record, +1);
        }
        if (record.protocol().hasPort()) {
            if (previous != null && !previous.id().equals(record.id())) {
                tcpRemoved.accept(previous);
            }
            tcpAdded.accept(record);
        }
    }

    /**
     * Makes the copy equal to {@code records} (the whole registry, read after a split healed): records it no longer
     * has are removed, the others set, with the usual TCP listener callbacks.
     */
    public void replaceAll(List<EndpointRecord> records) {
        java.util.Set<String> keep = new java.util.HashSet<>();
        for (EndpointRecord record : records) {
            keep.add(record.key());
        }
        for (EndpointRecord stale : List.copyOf(byKey.values())) {
            if (!keep.contains(stale.key())) {
                removed(stale);
            }
        }
        records.forEach(this::changed);
    }

    public void removed(EndpointRecord record) {
        EndpointRecord previous;
        synchronized (this) {
            previous = byKey.get(record.key());
            if (previous == null || !previous.id().equals(record.id())) {
                return;
            }
            byKey.remove(record.key());
            keyById.remove(previous.id(), previous.key());
            count(previous, -1);
        }
        if (record.protocol().hasPort()) {
            tcpRemoved.accept(record);
        }
    }

    private void count(EndpointRecord record, int delta) {
        if (record == null) {
            return;
        }
        for (LinkRef link : record.links()) {
            Map<String, Integer> nodes = nodesBySession.computeIfAbsent(link.sessionId(), s -> new HashMap<>());
            int next = nodes.getOrDefault(link.node(), 0) + delta;
            if (next <= 0) {
                nodes.remove(link.node());
            } else {
                nodes.put(link.node(), next);
            }
            if (nodes.isEmpty()) {
                nodesBySession.remove(link.sessionId());
            }
        }
    }

    /** The nodes (member UUIDs) holding a link of the session. */
    public synchronized List<String> nodesOf(String sessionId) {
        Map<String, Integer> nodes = nodesBySession.get(sessionId);
        return nodes == null ? List.of() : List.copyOf(nodes.keySet());
    }

    /** The record of a key ({@link EndpointRecord#keyOf}) as last seen, or null. */
    public EndpointRecord record(String key) {
        return byKey.get(key);
    }

    /** The endpoint that holds a public host name (normalized), or null when the copy shows none. */
    public dev.burrow.edge.registry.Endpoint hostnameOwner(String hostname) {
        if (dev.burrow.protocol.Bindings.isInternalHostname(hostname)) {
            return null;
        }
        EndpointRecord record = byKey.get(EndpointRecord.keyOf(EndpointProtocol.HTTP, hostname, 0));
        return record == null ? null : record.toEndpoint();
    }

    /** TCP endpoints of the cluster with a live link, by port (published to the other regions). */
    public Map<Integer, EndpointRecord> liveTcpEndpoints() {
        Map<Integer, EndpointRecord> ports = new java.util.TreeMap<>();
        for (EndpointRecord record : byKey.values()) {
            if (record.protocol() == EndpointProtocol.TCP && !record.links().isEmpty()) {
                ports.put(record.port(), record);
            }
        }
        return ports;
    }

    /** The key of an endpoint id as last seen, or null. */
    public String keyOf(String endpointId) {
        return keyById.get(endpointId);
    }

    /** Endpoints in the cluster. */
    public int size() {
        return byKey.size();
    }
}
