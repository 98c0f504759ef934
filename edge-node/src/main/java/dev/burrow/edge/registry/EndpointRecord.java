package dev.burrow.edge.registry;

import dev.burrow.protocol.EndpointSettings;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * An endpoint as the cluster stores it (value of the endpoints map, keyed by {@link #keyOf}). The owner is the
 * session ({@code sessionId}, {@code ownerKey}); {@code epoch} grows every time the owner changes and is what the
 * split-brain merge compares, so a stale binding never wins over a newer one. {@code links} lists every agent link
 * that serves it, on any node; no links means OFFLINE. A pooled endpoint ({@code settings.pooling()}) may list links of
 * several sessions of the same owner key (endpoint pooling); the owner is then one of them, and passes to another when
 * its last link goes. {@code settings} is what the binding agent asked for, traffic policy included, so every node
 * that learns the record serves the endpoint the same way.
 */
public record EndpointRecord(String id, EndpointProtocol protocol, String hostname, int port, String sessionId,
                             String ownerKey, long epoch, List<LinkRef> links, EndpointSettings settings) implements Serializable {

    public EndpointRecord {
        links = links == null ? List.of() : List.copyOf(links);
        settings = settings == null ? EndpointSettings.DEFAULTS : settings;
    }

    public EndpointRecord(String id, EndpointProtocol protocol, String hostname, int port, String sessionId,
                          String ownerKey, long epoch, List<LinkRef> links) {
        this(id, protocol, hostname, port, sessionId, ownerKey, epoch, links, EndpointSettings.DEFAULTS);
    }

    public boolean pooled() {
        return settings.pooling();
    }

    /** Whether any link of {@code session} serves this endpoint. */
    public boolean hasLinkOf(String session) {
        for (LinkRef link : links) {
            if (link.sessionId().equals(session)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The map key of an endpoint: {@code h:NAME} for a public hostname, {@code i:NAME@OWNER} for an internal one (each
     * account, its owner key, has its own internal names: two accounts may both bind {@code api.internal}),
     * {@code p:PORT} for a TCP port, {@code u:PORT} for a UDP port (a space of its own). Every node computes it from the
     * record alone, so all agree on where an endpoint lives.
     */
    public static String keyOf(EndpointProtocol protocol, String hostname, int port, String ownerKey) {
        return switch (protocol) {
            case HTTP, HTTPS, TLS -> dev.burrow.protocol.Bindings.isInternalHostname(hostname)
                    ? internalKey(hostname, ownerKey) : "h:" + hostname;
            case TCP -> "p:" + port;
            case UDP -> "u:" + port;
        };
    }

    /** The key of a public hostname or a port; an internal name has no key without its account. */
    public static String keyOf(EndpointProtocol protocol, String hostname, int port) {
        if (protocol.hasHostname() && dev.burrow.protocol.Bindings.isInternalHostname(hostname)) {
            throw new IllegalArgumentException("internal hostname " + hostname + " is keyed by its account too");
        }
        return keyOf(protocol, hostname, port, null);
    }

    /** The key of the internal endpoint {@code hostname} of the account {@code ownerKey}. */
    public static String internalKey(String hostname, String ownerKey) {
        if (ownerKey == null) {
            throw new IllegalArgumentException("internal hostname " + hostname + " has no account");
        }
        return "i:" + hostname + "@" + ownerKey;
    }

    public String key() {
        return keyOf(protocol, hostname, port, ownerKey);
    }

    /** The view the rest of the node uses. */
    public Endpoint toEndpoint() {
        return new Endpoint(id, protocol, hostname, port, sessionId, ownerKey,
                links.isEmpty() ? EndpointState.OFFLINE : EndpointState.ONLINE, settings);
    }

    /** A new epoch after {@code previous}: at least one more, and at least the wall clock, so epochs of two sides of a
     *  split stay comparable (the later claim wins). */
    public static long nextEpoch(long previous) {
        return Math.max(previous + 1, System.currentTimeMillis());
    }

    EndpointRecord withLinks(List<LinkRef> newLinks) {
        return new EndpointRecord(id, protocol, hostname, port, sessionId, ownerKey, epoch, newLinks, settings);
    }

    /**
     * With {@code newLinks}; when the owner session has none of them left but another pooled session does, that
     * session becomes the owner (a new epoch), so the endpoint stays with a session that serves it.
     */
    EndpointRecord withLinksKeepingOwner(List<LinkRef> newLinks) {
        EndpointRecord next = withLinks(newLinks);
        if (!pooled() || newLinks.isEmpty() || next.hasLinkOf(sessionId)) {
            return next;
        }
        return new EndpointRecord(id, protocol, hostname, port, newLinks.get(0).sessionId(), ownerKey, nextEpoch(epoch),
                newLinks, settings);
    }

    /** With the settings of a new bind by its own session (a rebind may change the policy). */
    EndpointRecord withSettings(EndpointSettings newSettings) {
        return new EndpointRecord(id, protocol, hostname, port, sessionId, ownerKey, epoch, links, newSettings);
    }

    EndpointRecord withLink(LinkRef link) {
        List<LinkRef> next = new ArrayList<>();
        for (LinkRef existing : links) {
            if (!(existing.node().equals(link.node()) && existing.sessionId().equals(link.sessionId()))) {
                next.add(existing);
            }
        }
        next.add(link);
        return withLinks(next);
    }

    /** Whether this binding should win over {@code other} for the same key: higher epoch, then the smaller id. */
    public boolean supersedes(EndpointRecord other) {
        if (epoch != other.epoch) {
            return epoch > other.epoch;
        }
        return id.compareTo(other.id) <= 0;
    }
}
