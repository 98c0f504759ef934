package dev.burrow.policy;

import io.vertx.core.Future;

/**
 * An endpoint's compiled traffic policy: immutable, shared by every connection and exchange of the endpoint, and
 * evaluated on event loops (it never blocks; anything slow, such as a cluster-wide counter, is a {@link Future}).
 * Built by {@link PolicyCompiler}; {@link #none()} is the policy of an endpoint that has none and costs nothing.
 */
public interface TrafficPolicy {

    /** The policy of an endpoint without one: every phase proceeds at once. */
    static TrafficPolicy none() {
        return NoPolicy.INSTANCE;
    }

    /** What the policy's {@code terminate-tls} action asks of the TLS handshake, or null: it has none. */
    default TlsTermination tlsTermination() {
        return null;
    }

    /** True when no phase has a rule, so callers may skip building the facts at all. */
    boolean isEmpty();

    /** The {@code on_tcp_connect} phase, for every public connection before any stream is opened to the agent. */
    Future<Verdict> onTcpConnect(ConnectionFacts connection);

    /** As {@link #onTcpConnect(ConnectionFacts)}, adding the rules evaluated to {@code trail} before the verdict completes. */
    default Future<Verdict> onTcpConnect(ConnectionFacts connection, java.util.List<TrailEntry> trail) {
        return onTcpConnect(connection);
    }

    /**
     * Starts one HTTP exchange: the returned object runs {@code on_http_request} and later {@code on_http_response}
     * for it and carries what those phases share (variables, action results, the decision trail).
     */
    PolicyExchange newExchange(ConnectionFacts connection, PolicyRequest request);

    /**
     * Releases what the actions hold beyond memory (the login actions' provider clients) once the policy is replaced or
     * its endpoint goes; whoever compiled the policy calls it. An exchange still running on it may then fail (503).
     */
    default void close() {
    }
}
