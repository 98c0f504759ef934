package dev.burrow.agent;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * An endpoint whose connections the application takes itself, like a server socket: call {@link #accept()}
 * for each, or set a {@link #connectionHandler}. Connections that nobody takes wait in a bounded queue; past
 * that bound new ones are refused.
 */
public interface EndpointListener extends Endpoint {

    /** The next incoming connection; fails with {@link BurrowException} ({@code CLOSED}) once the endpoint closes. */
    Future<TunnelConnection> accept();

    /**
     * Hands every incoming connection to {@code handler} instead of queueing it for {@link #accept()}; connections
     * already queued are handed over first. Called on the session's event loop.
     */
    EndpointListener connectionHandler(Handler<TunnelConnection> handler);
}
