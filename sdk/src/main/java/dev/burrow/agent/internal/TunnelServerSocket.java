package dev.burrow.agent.internal;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.EndpointListener;
import dev.burrow.agent.TunnelConnection;
import io.vertx.core.Future;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An endpoint as a {@link ServerSocket}: bound from the start (the edge holds the public port), {@link #accept()}
 * returns the next public connection as a {@link TunnelSocket}. No operating-system socket is ever opened.
 */
final class TunnelServerSocket extends ServerSocket {
    private final EndpointListener listener;
    private volatile boolean closed;
    private volatile int timeoutMillis;
    /** An accept that timed out: its connection, when one comes, goes to the next accept rather than being lost. */
    private Future<TunnelConnection> leftover;

    TunnelServerSocket(EndpointListener listener) throws IOException {
        super();
        this.listener = listener;
    }

    @Override
    public TunnelSocket accept() throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        Future<TunnelConnection> next = takeLeftoverOr();
        try {
            int timeout = timeoutMillis;
            var result = next.toCompletionStage().toCompletableFuture();
            return new TunnelSocket(timeout > 0 ? result.get(timeout, TimeUnit.MILLISECONDS) : result.get());
        } catch (TimeoutException e) {
            keepLeftover(next);
            throw new SocketTimeoutException("Accept timed out");
        } catch (InterruptedException e) {
            keepLeftover(next);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting on " + listener.publicUrl());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BurrowException closedEndpoint && closedEndpoint.reason() == BurrowException.Reason.CLOSED) {
                throw new SocketException("Socket is closed");
            }
            throw new IOException("accepting on " + listener.publicUrl() + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private synchronized Future<TunnelConnection> takeLeftoverOr() {
        Future<TunnelConnection> next = leftover != null ? leftover : listener.accept();
        leftover = null;
        return next;
    }

    private synchronized void keepLeftover(Future<TunnelConnection> pending) {
        leftover = pending;
    }

    @Override
    public void bind(SocketAddress endpoint, int backlog) throws IOException {
        throw new SocketException("a tunnel's server socket is bound by the edge, at " + listener.publicUrl());
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            listener.close();
            super.close();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isBound() {
        return true;
    }

    /** The public port for a TCP endpoint (80 for an HTTP one, whatever port the edge serves it on). */
    @Override
    public int getLocalPort() {
        URI url = URI.create(listener.publicUrl());
        return url.getPort() > 0 ? url.getPort() : 80;
    }

    @Override
    public InetAddress getInetAddress() {
        try {
            return InetAddress.getByName(URI.create(listener.publicUrl()).getHost());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return InetSocketAddress.createUnresolved(URI.create(listener.publicUrl()).getHost(), getLocalPort());
    }

    @Override
    public void setSoTimeout(int timeout) {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() {
        return timeoutMillis;
    }

    @Override
    public String toString() {
        return "TunnelServerSocket[" + listener.publicUrl() + "]";
    }
}
