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

    /** The map key of an HTTP hostname, a TCP port or a UDP port (UDP ports are a space of their own). */
    public static String keyOf(EndpointProtocol protocol, String hostname, int port) {
        return switch (protocol) {
            case HTTP, HTTPS, TLS -> "h:" + hostname;
            case TCP -> "p:" + port;
            case UDP -> "u:" + port;
        };
    }

    public String key() {
        return keyOf(protocol, hostname, port);
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
