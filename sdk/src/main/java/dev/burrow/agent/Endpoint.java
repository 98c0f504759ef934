package dev.burrow.agent;

import io.vertx.core.Future;

/** A public address the edge serves for this session. Stays at the same address across reconnects. */
public interface Endpoint {

    /** "http" or "tcp". */
    String proto();

    /** The public URL, for example {@code http://demo.localhost:8080} or {@code tcp://localhost:20001}. */
    String publicUrl();

    /** The edge's id of the endpoint on the current link (changes on reconnect). */
    String id();

    /**
     * Replaces the endpoint's traffic policy without rebinding it (the URL, the link and open connections stay): the
     * edge compiles {@code document} (null or blank removes the policy) and applies it to the next connection and request
     * on every node that serves the endpoint; later reconnects bind with it. A document the edge cannot compile fails
     * the future with {@link BurrowException} (reason {@code POLICY_REFUSED}, code {@code INVALID_TRAFFIC_POLICY}, a
     * message reading {@code traffic_policy:LINE:COL: what to fix}), and the old policy stays in force. Use
     * {@code .await()} to block.
     */
    default Future<Void> updateTrafficPolicy(String document) {
        return Future.failedFuture(new UnsupportedOperationException("this endpoint's policy cannot be changed"));
    }

    /** Unbinds the endpoint at the edge; open connections are reset. Idempotent. */
    Future<Void> close();

    /** Completes when the endpoint is closed (by {@link #close()} or because its session closed). */
    Future<Void> closed();
}
