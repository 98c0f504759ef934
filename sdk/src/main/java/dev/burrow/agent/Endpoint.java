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

    /** Unbinds the endpoint at the edge; open connections are reset. Idempotent. */
    Future<Void> close();

    /** Completes when the endpoint is closed (by {@link #close()} or because its session closed). */
    Future<Void> closed();
}
