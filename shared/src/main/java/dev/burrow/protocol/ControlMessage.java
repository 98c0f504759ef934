package dev.burrow.protocol;

import java.util.List;
import java.util.Map;

/**
 * Control messages, carried in CONTROL frames on stream 0 as versioned JSON
 * ({@code {"v":1,"type":"bind",...}}). Type names are part of the wire format and never reused;
 * receivers ignore fields they do not know, so fields can be added without a version bump.
 */
public sealed interface ControlMessage {
    /**
     * Named by either side in {@link Auth#features} and {@link AuthResult#features}: it reads TRAILERS frames, so the
     * other side may send them.
     */
    String FEATURE_TRAILERS = "trailers";

    /**
     * Named by an agent in {@link Auth#features}: it reads the edge's policy trail in an HTTP stream's OPEN
     * ({@link StreamOpen#policyTrail()}) and takes {@link PolicyRefusal} messages. Named by a node accepting a relay
     * link in {@link AuthResult#features}: it reads a trail in a relayed OPEN and passes it on to an agent that named it
     * (a node of an older version refuses the extra bytes, so the relaying node sends a trail only to a peer that named it).
     */
    String FEATURE_POLICY_TRAIL = "policy_trail";

    /**
     * Agent to edge, first message of a link. With {@code resumeSessionId} the link takes over that session
     * (a reconnect: a stale link of the session on this node is closed). With {@code additionalLink} as well, the
     * link joins the session beside its other links (a redundant link to another node of the cluster).
     * {@code features} names the optional messages this agent understands (see {@link #FEATURE_EDGE_NODES}); an edge
     * sends an optional message only to an agent that named it, so older agents never see a type they do not know.
     */
    record Auth(String authtoken, String agentVersion, String resumeSessionId, boolean additionalLink,
                List<String> features) implements ControlMessage {
        /** The agent understands {@link EdgeNodes} updates. */
        public static final String FEATURE_EDGE_NODES = "edge_nodes";
        /**
         * On a relay link: the dialing node belongs to another region, so the link may ask {@link EndpointLookup} and its
         * streams may take one more hop inside the accepting region.
         */
        public static final String FEATURE_REGION_LINK = "region_link";

        public Auth {
            features = features == null ? List.of() : List.copyOf(features);
        }

        public Auth(String authtoken, String agentVersion, String resumeSessionId, boolean additionalLink) {
            this(authtoken, agentVersion, resumeSessionId, additionalLink, List.of());
        }

        public Auth(String authtoken, String agentVersion, String resumeSessionId) {
            this(authtoken, agentVersion, resumeSessionId, false, List.of());
        }

        public boolean supports(String feature) {
            return features.contains(feature);
        }

        @Override
        public String toString() {
            return "Auth[authtoken=HIDDEN, agentVersion=" + agentVersion + ", resumeSessionId=" + resumeSessionId
                    + ", additionalLink=" + additionalLink + ", features=" + features + "]";
        }
    }

    /**
     * Edge to agent: the answer to {@link Auth}. On failure {@code errorCode} and {@code message} say why.
     * {@code edgeNodes} lists the agent-link addresses ({@code host:port}) of the cluster's other nodes, so that
     * an agent can keep redundant links; empty for a lone node. {@code retryAfterMillis} (added later; 0 when absent)
     * is set with a refusal that ends on its own ({@link ErrorCode#AUTH_RATE_LIMITED}): try again after that long.
     */
    record AuthResult(boolean ok, String sessionId, long heartbeatIntervalMillis, ErrorCode errorCode, String message,
                      List<String> edgeNodes, long retryAfterMillis, List<String> features) implements ControlMessage {
        /** The edge understands {@link UpdatePolicy}. */
        public static final String FEATURE_UPDATE_POLICY = "update_policy";

        public AuthResult {
            edgeNodes = edgeNodes == null ? List.of() : List.copyOf(edgeNodes);
            retryAfterMillis = Math.max(0, retryAfterMillis);
            features = features == null ? List.of() : List.copyOf(features);
        }

        public AuthResult(boolean ok, String sessionId, long heartbeatIntervalMillis, ErrorCode errorCode, String message,
                          List<String> edgeNodes, long retryAfterMillis) {
            this(ok, sessionId, heartbeatIntervalMillis, errorCode, message, edgeNodes, retryAfterMillis, List.of());
        }

        /**
         * {@code features} (added later; empty from older edges) names the optional messages this edge understands, so
         * an agent sends one only to an edge that named it.
         */
        public AuthResult withFeatures(List<String> edgeFeatures) {
            return new AuthResult(ok, sessionId, heartbeatIntervalMillis, errorCode, message, edgeNodes, retryAfterMillis,
                    edgeFeatures);
        }

        public boolean supports(String feature) {
            return features.contains(feature);
        }

        public AuthResult(boolean ok, String sessionId, long heartbeatIntervalMillis, ErrorCode errorCode, String message,
                          List<String> edgeNodes) {
            this(ok, sessionId, heartbeatIntervalMillis, errorCode, message, edgeNodes, 0);
        }

        public AuthResult(boolean ok, String sessionId, long heartbeatIntervalMillis, ErrorCode errorCode, String message) {
            this(ok, sessionId, heartbeatIntervalMillis, errorCode, message, List.of(), 0);
        }

        public static AuthResult accepted(String sessionId, long heartbeatIntervalMillis) {
            return new AuthResult(true, sessionId, heartbeatIntervalMillis, null, null, List.of(), 0);
        }

        public static AuthResult accepted(String sessionId, long heartbeatIntervalMillis, List<String> edgeNodes) {
            return new AuthResult(true, sessionId, heartbeatIntervalMillis, null, null, edgeNodes, 0);
        }

        public static AuthResult refused(ErrorCode code, String message) {
            return new AuthResult(false, null, 0, code, message, List.of(), 0);
        }

        /** A refusal that ends by itself: the agent may try again after {@code retryAfterMillis}. */
        public static AuthResult refusedFor(ErrorCode code, String message, long retryAfterMillis) {
            return new AuthResult(false, null, 0, code, message, List.of(), retryAfterMillis);
        }
    }

    /**
     * Agent to edge: serve an endpoint. {@code proto} is "http" or "tcp". For http give {@code hostname}
     * (full name) or {@code subdomain} (under the edge's base domain) or neither (random name); for tcp give
     * {@code port} or 0 for any free port. {@code upstream} is only informational (shown in logs). {@code options}
     * carries the endpoint's {@link EndpointSettings} (read them with {@link #settings()}).
     */
    record Bind(long requestId, String proto, String hostname, String subdomain, int port, String upstream,
                Map<String, String> options) implements ControlMessage {

        public static Bind of(long requestId, String proto, String hostname, String subdomain, int port, String upstream,
                              EndpointSettings settings) {
            return new Bind(requestId, proto, hostname, subdomain, port, upstream, settings.toOptions());
        }

        public EndpointSettings settings() {
            return EndpointSettings.fromOptions(options);
        }
    }

    /**
     * Agent to edge, only to an edge whose {@link AuthResult#features} name {@link AuthResult#FEATURE_UPDATE_POLICY}:
     * replace the traffic policy of an endpoint the session serves, without rebinding it ({@code trafficPolicy} null
     * or blank removes it). The edge compiles the document first: a bad one is refused and the old policy stays. On
     * success the registry record changes, so every node that serves the endpoint applies the new policy from its next
     * request or connection. Answered by {@link UpdatePolicyResult} with the same {@code requestId}.
     */
    record UpdatePolicy(long requestId, String endpointId, String trafficPolicy) implements ControlMessage {
    }

    /** Edge to agent: the answer to {@link UpdatePolicy}; on refusal {@code errorCode} and {@code message} say why. */
    record UpdatePolicyResult(long requestId, boolean ok, ErrorCode errorCode, String message) implements ControlMessage {

        public static UpdatePolicyResult accepted(long requestId) {
            return new UpdatePolicyResult(requestId, true, null, null);
        }

        public static UpdatePolicyResult refused(long requestId, ErrorCode code, String message) {
            return new UpdatePolicyResult(requestId, false, code, message);
        }
    }

    /** Edge to agent: the answer to {@link Bind}. */
    record BindResult(long requestId, boolean ok, String endpointId, String publicUrl, ErrorCode errorCode,
                      String message) implements ControlMessage {
    }

    /** Agent to edge: stop serving an endpoint. */
    record Unbind(String endpointId) implements ControlMessage {
    }

    /**
     * Agent to edge, on every link of a session that stops on purpose (SIGTERM, Ctrl-C, {@code close()}): remove the
     * session's endpoints now instead of holding them for the offline grace, so their names are free at once and
     * visitors get "not found" rather than "offline". Streams already open on the link go on until the agent closes it.
     * Answered by {@link GoodbyeResult}. An edge that predates it closes the link with BAD_CONTROL_MESSAGE, which an
     * agent that is stopping takes as the end of the link (its endpoints then wait out the grace, as before).
     */
    record Goodbye() implements ControlMessage {
    }

    /** Edge to agent: the answer to {@link Goodbye}, once {@code endpointsFreed} endpoints of the link are removed. */
    record GoodbyeResult(int endpointsFreed) implements ControlMessage {
    }

    /**
     * Edge to agent, after a successful {@link AuthResult} and only to an agent whose {@link Auth#features} name
     * {@link Auth#FEATURE_EDGE_NODES}: the cluster's membership changed, and {@code edgeNodes} is now the complete list
     * of the other nodes' agent-link addresses ({@code host:port}); it replaces the list of the auth result and of any
     * earlier update. The agent uses it for its next additional link or redial; it closes no link because of it.
     */
    record EdgeNodes(List<String> edgeNodes) implements ControlMessage {
        public EdgeNodes {
            edgeNodes = edgeNodes == null ? List.of() : List.copyOf(edgeNodes);
        }
    }

    /**
     * Relay link only, from a node of one region to a node of another (regional edges, docs/regions.md): which
     * endpoint, if any, serves {@code hostname} in the answering region. Answered by {@link EndpointLookupResult} with
     * the same {@code requestId}. An agent link never carries it.
     */
    record EndpointLookup(long requestId, String hostname) implements ControlMessage {
    }

    /**
     * Relay link only: the answer to {@link EndpointLookup}. {@code endpointId} is the id to put in the stream OPEN of a
     * relayed request when the hostname is bound and online in the answering region; null when it is not.
     * {@code tenantId} (optional, added later; null from older nodes) is the tenant that owns that endpoint, so the
     * asking region can refuse to serve a name it holds for one tenant from another tenant's endpoint.
     * {@code trafficPolicy} (optional, added later; null from older nodes or without one) is the endpoint's policy
     * document, which the asking region applies to what it relays there, as every node of the serving region does.
     */
    record EndpointLookupResult(long requestId, String hostname, String endpointId, String tenantId, String trafficPolicy)
            implements ControlMessage {

        public EndpointLookupResult(long requestId, String hostname, String endpointId, String tenantId) {
            this(requestId, hostname, endpointId, tenantId, null);
        }

        public boolean found() {
            return endpointId != null;
        }
    }

    /** Either direction: something went wrong that is not tied to one request; a sentence a user can act on. */
    record Error(ErrorCode code, String message) implements ControlMessage {
    }

    /**
     * Edge to agent, only to an agent whose {@link Auth#features} name {@link #FEATURE_POLICY_TRAIL}: the edge's
     * traffic policy refused a request to {@code endpointId} (it never reached the agent), so the agent's inspector can
     * list it. {@code status} is the edge's answer, 0 when it closed the connection; {@code decision} names the rule and
     * action that refused ({@code tenant policy: office only (restrict-ips)}); {@code trail} is one line per rule
     * evaluated, as in {@link StreamOpen#policyTrail()}. Best effort: sent by the node that has a link of the agent.
     */
    record PolicyRefusal(String endpointId, String clientAddress, String method, String target, int status, String decision,
                         List<String> trail) implements ControlMessage {
        public PolicyRefusal {
            trail = trail == null ? List.of() : List.copyOf(trail);
        }
    }
}
