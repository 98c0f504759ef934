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

    /**
     * This endpoint as a {@link java.net.ServerSocket}, for servers written against one: its {@code accept()} takes
     * the next connection ({@link #accept()}) as a {@link java.net.Socket} whose streams are the connection's
     * {@link TunnelConnection#inputStream()} and {@link TunnelConnection#outputStream()}; {@code setSoTimeout}
     * bounds accepts and reads as usual; closing it closes the endpoint. Meant for TCP endpoints: an HTTP endpoint's
     * connections are exchanges whose head has already been parsed.
     */
    java.net.ServerSocket serverSocket() throws java.io.IOException;
}
