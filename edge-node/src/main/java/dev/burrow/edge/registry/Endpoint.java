package dev.burrow.edge.registry;

import dev.burrow.protocol.EndpointSettings;

/**
 * One public endpoint.
 *
 * @param id        stable id, carried in every stream OPEN for this endpoint
 * @param protocol  HTTP or TCP
 * @param hostname  normalized hostname of an HTTP endpoint, null for TCP
 * @param port      public port of a TCP endpoint, 0 for HTTP
 * @param sessionId the agent session that serves it
 * @param ownerKey  fingerprint of the authtoken that bound it (never the token); an offline endpoint may be taken
 *                  over by a session with the same owner key
 * @param state     online or offline
 * @param settings  what the agent asked of it (pooling, traffic policy), as the registry record holds them
 */
public record Endpoint(String id, EndpointProtocol protocol, String hostname, int port, String sessionId,
                       String ownerKey, EndpointState state, EndpointSettings settings) {

    public Endpoint {
        settings = settings == null ? EndpointSettings.DEFAULTS : settings;
    }

    public Endpoint(String id, EndpointProtocol protocol, String hostname, int port, String sessionId,
                    String ownerKey, EndpointState state) {
        this(id, protocol, hostname, port, sessionId, ownerKey, state, EndpointSettings.DEFAULTS);
    }

    public Endpoint withSession(String newSessionId, EndpointState newState) {
        return new Endpoint(id, protocol, hostname, port, newSessionId, ownerKey, newState, settings);
    }

    public Endpoint withState(EndpointState newState) {
        return new Endpoint(id, protocol, hostname, port, sessionId, ownerKey, newState, settings);
    }

    /** Its key in the registry ({@link EndpointRecord#keyOf}). */
    public String key() {
        return EndpointRecord.keyOf(protocol, hostname, port, ownerKey);
    }

    /** The hostname or the port, whichever addresses this endpoint, for messages. */
    public String address() {
        return protocol.hasHostname() ? hostname : protocol + " port " + port;
    }
}
