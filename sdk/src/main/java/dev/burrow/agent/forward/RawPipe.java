package dev.burrow.agent.forward;

import dev.burrow.agent.TunnelConnection;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipes bytes both ways between a tunnel connection and an upstream socket with backpressure. Each direction's
 * end is passed on as an end of the other side's writing direction (a half-close when the socket supports
 * it); a failure on either side resets the stream and closes the socket.
 */
final class RawPipe {
    private static final Logger LOG = LoggerFactory.getLogger(RawPipe.class);

    private RawPipe() {
    }

    /**
     * @param socketIn        the upstream side's bytes
     * @param socketOut       the upstream side's writing direction; its {@code end()} must finish only that direction
     * @param closeSocket     closes the upstream side entirely (on failure)
     * @param upstreamAddress named in the reset sentence
     */
    static void between(TunnelConnection connection, ReadStream<Buffer> socketIn, WriteStream<Buffer> socketOut,
                        Runnable closeSocket, String upstreamAddress) {
        join(connection, socketOut, closeSocket, socketIn.pipe().endOnFailure(false).to(connection), upstreamAddress);
    }

    /**
     * An upgraded HTTP connection: the client's bytes are piped into {@code socket} (ending closes it), the
     * upstream's come through {@code fromUpstream}, a relay already started (see {@link UpstreamRelay#upgraded}).
     */
    static void upgraded(TunnelConnection connection, NetSocket socket, Future<Void> fromUpstream, String upstreamAddress) {
        join(connection, socket, socket::close, fromUpstream, upstreamAddress);
    }

    /**
     * Two sockets of this process (a visitor's whose TLS ended here, and its upstream's): bytes piped both ways, each
     * side's end of input passed on as a half-close of the other; a failure on either side closes both.
     */
    static void splice(HalfCloseSocket visitor, HalfCloseSocket upstream, String upstreamAddress) {
        Runnable closeBoth = () -> {
            visitor.close();
            upstream.close();
        };
        visitor.pipe().endOnFailure(false).to(upstream).onFailure(failure -> {
            LOG.debug("visitor-to-upstream {} pipe failed: {}", upstreamAddress, failure.toString());
            closeBoth.run();
        });
        upstream.pipe().endOnFailure(false).to(visitor).onFailure(failure -> {
            LOG.debug("upstream {}-to-visitor pipe failed: {}", upstreamAddress, failure.toString());
            closeBoth.run();
        });
        visitor.closed().onComplete(v -> closeAfterAbort(visitor, upstream));
        upstream.closed().onComplete(v -> closeAfterAbort(upstream, visitor));
    }

    /** A side closed before it sent its FIN was reset or aborted: nothing more can reach it, so the other closes too. */
    private static void closeAfterAbort(HalfCloseSocket closed, HalfCloseSocket other) {
        if (!closed.outputShutdown()) {
            other.close();
        }
    }

    private static void join(TunnelConnection connection, WriteStream<Buffer> socketOut, Runnable closeSocket,
                             Future<Void> fromUpstream, String upstreamAddress) {
        connection.pipe().endOnFailure(false).to(socketOut).onFailure(failure -> {
            LOG.debug("{}: client-to-upstream pipe failed: {}", connection, failure.toString());
            closeSocket.run();
            connection.reset(ErrorCode.UPSTREAM_ERROR, "the connection to upstream " + upstreamAddress + " failed");
        });
        fromUpstream.onFailure(failure -> {
            LOG.debug("{}: upstream-to-client relay failed: {}", connection, failure.toString());
            closeSocket.run();
            connection.reset(ErrorCode.UPSTREAM_ERROR, "upstream " + upstreamAddress + " reset the connection");
        });
        connection.closed().onComplete(ar -> {
            if (ar.failed()) {
                closeSocket.run();
            }
        });
    }
}
