package dev.burrow.agent.forward;

import dev.burrow.agent.ExchangeObserver;
import dev.burrow.agent.TunnelConnection;
import dev.burrow.agent.internal.StreamConnection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

/**
 * Plain-HTTP/1.1 exchanges through {@link LeanExchange}: a Netty codec on the link's own event loop, a keep-alive pool
 * per event loop, no Vert.x HTTP client machinery (request and response objects, header maps, futures per step). An
 * upgrade request, a connection that is not a link stream (no event loop to run on), and exchanges beyond
 * {@link UpstreamChannelPool#MAX_IN_USE_PER_LOOP} at once go to {@code general}.
 */
final class LeanUpstreamClient implements HttpUpstreamClient {
    private final HttpUpstream upstream;
    private final UpstreamTimeouts timeouts;
    private final ExchangeObserver observer;
    private final HttpUpstreamClient general;
    private final UpstreamChannelPool pool;

    LeanUpstreamClient(Vertx vertx, HttpUpstream upstream, UpstreamTimeouts timeouts, ExchangeObserver observer,
                       HttpUpstreamClient general) {
        this.upstream = upstream;
        this.timeouts = timeouts;
        this.observer = observer;
        this.general = general;
        this.pool = new UpstreamChannelPool((VertxInternal) vertx, upstream,
                (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()));
    }

    @Override
    public void forward(TunnelConnection connection) {
        if (connection instanceof StreamConnection stream && !HopByHopHeaders.isUpgrade(connection.requestHead().headers())
                && !connection.requestHead().method().equalsIgnoreCase("CONNECT") && pool.hasRoom(stream.stream().link().eventLoop())) {
            new LeanExchange(pool, stream.stream().link().eventLoop(), upstream, timeouts, stream, observer).start();
        } else {
            general.forward(connection);
        }
    }

    @Override
    public Future<Void> close() {
        pool.close();
        return general.close();
    }
}
