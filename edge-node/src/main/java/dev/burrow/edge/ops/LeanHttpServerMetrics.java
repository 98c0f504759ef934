package dev.burrow.edge.ops;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One HTTP server's Vert.x metrics: the library's per-connection meters as they are (open connections, bytes read
 * and written, errors), the per-request ones from {@link HttpRequestMeters}, which looks nothing up per request.
 * Vert.x calls it on the connection's event loop.
 */
final class LeanHttpServerMetrics<S> implements HttpServerMetrics<LeanHttpServerMetrics.Exchange, LongAdder, S> {
    private final TCPMetrics<S> connections;
    private final HttpRequestMeters requests;

    private LeanHttpServerMetrics(TCPMetrics<S> connections, HttpRequestMeters requests) {
        this.connections = connections;
        this.requests = requests;
    }

    /** Over the library's metrics of this server, whose per-request calls are then never made. */
    static <S> LeanHttpServerMetrics<S> over(HttpServerMetrics<?, ?, S> library, HttpRequestMeters requests) {
        return new LeanHttpServerMetrics<>(library, requests);
    }

    @Override
    public S connected(SocketAddress remoteAddress, String remoteName) {
        return connections.connected(remoteAddress, remoteName);
    }

    @Override
    public void disconnected(S socket, SocketAddress remoteAddress) {
        connections.disconnected(socket, remoteAddress);
    }

    @Override
    public void bytesRead(S socket, SocketAddress remoteAddress, long numberOfBytes) {
        connections.bytesRead(socket, remoteAddress, numberOfBytes);
    }

    @Override
    public void bytesWritten(S socket, SocketAddress remoteAddress, long numberOfBytes) {
        connections.bytesWritten(socket, remoteAddress, numberOfBytes);
    }

    @Override
    public void exceptionOccurred(S socket, SocketAddress remoteAddress, Throwable t) {
        connections.exceptionOccurred(socket, remoteAddress, t);
    }

    @Override
    public Exchange requestBegin(S socket, HttpRequest request) {
        return new Exchange(requests.method(request.method()));
    }

    @Override
    public Exchange responsePushed(S socket, HttpMethod method, String uri, HttpResponse response) {
        return new Exchange(requests.method(method));
    }

    @Override
    public void requestEnd(Exchange exchange, HttpRequest request, long bytesRead) {
        exchange.meters.requestBytes().record(bytesRead);
        exchange.requestEnded();
    }

    @Override
    public void requestReset(Exchange exchange) {
        exchange.meters.requestResets().increment();
        exchange.reset();
    }

    @Override
    public void responseEnd(Exchange exchange, HttpResponse response, long bytesWritten) {
        HttpRequestMeters.ForMethod.ForResponse meters = exchange.meters.status(response.statusCode());
        meters.requests.increment();
        meters.responseTime.record(System.nanoTime() - exchange.startNanos, TimeUnit.NANOSECONDS);
        meters.responseBytes.record(bytesWritten);
        exchange.responseEnded();
    }

    @Override
    public LongAdder connected(S socket, Exchange exchange, ServerWebSocket webSocket) {
        LongAdder open = requests.openWebSockets();
        open.increment();
        return open;
    }

    @Override
    public void disconnected(LongAdder openWebSockets) {
        openWebSockets.decrement();
    }

    @Override
    public void close() {
        connections.close();
    }

    /**
     * One request in flight: counted as active from its beginning until both its request and its response ended, or
     * until it was reset (the library's rule, kept so that the gauge reads the same).
     */
    static final class Exchange {
        private final HttpRequestMeters.ForMethod meters;
        private final long startNanos = System.nanoTime();
        private boolean requestEnded;
        private boolean responseEnded;
        private boolean reset;

        private Exchange(HttpRequestMeters.ForMethod meters) {
            this.meters = meters;
            meters.activeRequests.increment();
        }

        private void requestEnded() {
            requestEnded = true;
            if (responseEnded && !reset) {
                meters.activeRequests.decrement();
            }
        }

        private void responseEnded() {
            responseEnded = true;
            if (requestEnded && !reset) {
                meters.activeRequests.decrement();
            }
        }

        private void reset() {
            meters.activeRequests.decrement();
            reset = true;
        }
    }
}
