package dev.burrow.edge.registry;

/**
 * A request to serve a hostname (HTTP) or a port (TCP) from an agent session, through one of its links.
 *
 * @param protocol  HTTP or TCP
 * @param hostname  normalized hostname for HTTP, null for TCP
 * @param port      port for TCP, 0 for HTTP
 * @param sessionId the session that will serve the endpoint
 * @param ownerKey  fingerprint of the session's authtoken
 * @param linkEpoch epoch of the link the claim came on (see {@link LinkRef})
 */
public record EndpointClaim(EndpointProtocol protocol, String hostname, int port, String sessionId, String ownerKey,
                            long linkEpoch) implements java.io.Serializable {

    public static EndpointClaim http(String hostname, String sessionId, String ownerKey, long linkEpoch) {
        return new EndpointClaim(EndpointProtocol.HTTP, hostname, 0, sessionId, ownerKey, linkEpoch);
    }

    public static EndpointClaim tcp(int port, String sessionId, String ownerKey, long linkEpoch) {
        return new EndpointClaim(EndpointProtocol.TCP, null, port, sessionId, ownerKey, linkEpoch);
    }
}
