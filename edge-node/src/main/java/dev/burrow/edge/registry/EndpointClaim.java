package dev.burrow.edge.registry;

import dev.burrow.protocol.EndpointSettings;

/**
 * A request to serve a hostname (HTTP) or a port (TCP) from an agent session, through one of its links.
 *
 * @param protocol  HTTP or TCP
 * @param hostname  normalized hostname for HTTP, null for TCP
 * @param port      port for TCP, 0 for HTTP
 * @param sessionId the session that will serve the endpoint
 * @param ownerKey  fingerprint of the session's authtoken
 * @param linkEpoch epoch of the link the claim came on (see {@link LinkRef})
 * @param settings  what the agent asked for; with pooling, other sessions with the same owner key that also ask for it
 *                  may serve the same hostname/port at the same time
 */
public record EndpointClaim(EndpointProtocol protocol, String hostname, int port, String sessionId, String ownerKey,
                            long linkEpoch, EndpointSettings settings) implements java.io.Serializable {

    public EndpointClaim {
        settings = settings == null ? EndpointSettings.DEFAULTS : settings;
    }

    public EndpointClaim(EndpointProtocol protocol, String hostname, int port, String sessionId, String ownerKey, long linkEpoch) {
        this(protocol, hostname, port, sessionId, ownerKey, linkEpoch, EndpointSettings.DEFAULTS);
    }

    public boolean pooled() {
        return settings.pooling();
    }

    public EndpointClaim withSettings(EndpointSettings newSettings) {
        return new EndpointClaim(protocol, hostname, port, sessionId, ownerKey, linkEpoch, newSettings);
    }

    public EndpointClaim withPooling(boolean pooling) {
        return withSettings(settings.withPooling(pooling));
    }

    public static EndpointClaim http(String hostname, String sessionId, String ownerKey, long linkEpoch) {
        return new EndpointClaim(EndpointProtocol.HTTP, hostname, 0, sessionId, ownerKey, linkEpoch);
    }

    /** A claim of a hostname for an endpoint of {@code protocol} (HTTP, HTTPS or TLS). */
    public static EndpointClaim hostname(EndpointProtocol protocol, String hostname, String sessionId, String ownerKey, long linkEpoch) {
        return new EndpointClaim(protocol, hostname, 0, sessionId, ownerKey, linkEpoch);
    }

    public static EndpointClaim tcp(int port, String sessionId, String ownerKey, long linkEpoch) {
        return new EndpointClaim(EndpointProtocol.TCP, null, port, sessionId, ownerKey, linkEpoch);
    }

    /** A claim of a port of {@code protocol} (TCP or UDP). */
    public static EndpointClaim port(EndpointProtocol protocol, int port, String sessionId, String ownerKey, long linkEpoch) {
        return new EndpointClaim(protocol, null, port, sessionId, ownerKey, linkEpoch);
    }
}
