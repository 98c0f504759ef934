package dev.burrow.edge.http;

import dev.burrow.edge.relay.Pump;
import dev.burrow.mux.MuxStream;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.net.PipeIdleTimeout;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Turns an upgraded exchange (WebSocket and the like) into a raw byte pipe: sends the agent's 101 to the client,
 * takes the client connection over as a socket and pumps bytes both ways with backpressure. Either side ending or
 * failing closes the other. A peer that vanished is noticed by the TCP keep-alive the public connection got at accept
 * ({@code --tcp-keepalive}, kept across the upgrade), a pipe idle both ways for the idle timeout is closed.
 */
final class UpgradeBridge {
    private static final Logger LOG = LoggerFactory.getLogger(UpgradeBridge.class);

    private final HttpServerRequest request;
    private final Context requestContext;
    private final MuxStream stream;
    private final Context linkContext;
    private final Duration idleTimeout;
    private final Runnable onDone;
    private volatile NetSocket socket;
    private volatile boolean aborted;

    UpgradeBridge(HttpServerRequest request, Context requestContext, MuxStream stream, Context linkContext, Duration idleTimeout,
                  Runnable onDone) {
        this.idleTimeout = idleTimeout;
        this.request = request;
        this.requestContext = requestContext;
        this.stream = stream;
        this.linkContext = linkContext;
        this.onDone = onDone;
    }

    /** Sends the 101 and starts the byte pipe. Call on the request's context. */
    void switchProtocols(HttpResponseHead head) {
        HeaderRules.applyResponseHead(head.status(), head.reason(), head.headers(), request.response(), request.method(), false);
        request.toNetSocket().onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("upgrade {}: cannot take over the client connection: {}", request.uri(), ar.cause().toString());
                stream.reset(ErrorCode.STREAM_CANCELLED, "the edge could not switch the client connection");
                request.connection().close();
                onDone.run();
                return;
            }
            NetSocket upgraded = ar.result();
            socket = upgraded;
            if (aborted) {
                upgraded.close();
                return;
            }
            PipeIdleTimeout.install(upgraded, idleTimeout);
            upgraded.exceptionHandler(error -> LOG.debug("upgrade {}: client socket error: {}", request.uri(), error.toString()));
            upgraded.closeHandler(v -> {
                onDone.run();
                stream.reset(ErrorCode.STREAM_CANCELLED, "the public client closed the upgraded connection");
            });
            Pump.start(upgraded, requestContext, stream, linkContext, stream::end);
            Pump.start(stream, linkContext, upgraded, linkContext, upgraded::end);
        });
    }

    /** The stream failed: close the client connection. Any thread. */
    void abort() {
        aborted = true;
        NetSocket current = socket;
        if (current != null) {
            current.close();
        }
    }
}
