package dev.burrow.edge.tcp;

import dev.burrow.edge.relay.Contexts;
import dev.burrow.mux.MuxStream;
import dev.burrow.mux.StreamResetException;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * One public TCP connection relayed over one stream, bytes both ways with backpressure and half-close honoured:
 * the client's FIN ends the stream's sending side; the stream's end sends FIN to the client once every byte
 * before it was flushed, and reading goes on. The socket is closed when both directions ended, or at once when
 * the stream is reset. Created paused in the connect handler; {@link #attach} starts the relay.
 */
final class TcpConnection {
    private static final Logger LOG = LoggerFactory.getLogger(TcpConnection.class);

    private final NetSocket socket;
    private final Context socketContext;
    private final HalfCloseSocket halfClose;
    private final String clientAddress;
    private final ArrayDeque<Buffer> early = new ArrayDeque<>();

    // socket context
    private boolean earlyEnd;
    private boolean clientEnded;
    private boolean agentEnded;
    private boolean socketClosed;
    private volatile MuxStream stream;
    private Context linkContext;

    // link context
    private Future<Void> lastWrite = Future.succeededFuture();

    /** Call in the connect handler, on the socket's context: takes over the socket and pauses it. */
    TcpConnection(NetSocket socket, Context socketContext) {
        this.socket = socket;
        this.socketContext = socketContext;
        this.clientAddress = String.valueOf(socket.remoteAddress());
        this.halfClose = HalfCloseSocket.install(socket, this::onClientData, this::onClientInputEnded);
        socket.pause();
        socket.closeHandler(v -> onSocketClosed());
        socket.exceptionHandler(error -> LOG.debug("tcp {}: socket error: {}", clientAddress, error.toString()));
    }

    String clientAddress() {
        return clientAddress;
    }

    /** Relays over {@code muxStream}, whose handlers run on {@code streamContext}. Call on the socket's context. */
    void attach(MuxStream muxStream, Context streamContext) {
        this.linkContext = streamContext;
        this.stream = muxStream;
        muxStream.drainHandler(v -> Contexts.run(socketContext, socket::resume));
        muxStream.exceptionHandler(this::onStreamReset);
        muxStream.endHandler(v -> onAgentEnded());
        muxStream.handler(this::onAgentData);
        socket.drainHandler(v -> muxStream.resume());
        if (socketClosed) {
            muxStream.reset(ErrorCode.STREAM_CANCELLED, "the public TCP client closed the connection");
            return;
        }
        while (!early.isEmpty()) {
            forward(early.poll());
        }
        if (earlyEnd) {
            onClientInputEnded();
        }
        socket.resume();
    }

    /** Closes the client connection without relaying (no live agent link). Call on the socket's context. */
    void reject(String reason) {
        LOG.info("tcp {}: {}", clientAddress, reason);
        socket.close();
    }

    private void onClientData(Buffer data) {
        if (stream == null) {
            early.add(data);
        } else {
            forward(data);
        }
    }

    private void forward(Buffer data) {
        MuxStream target = stream;
        Contexts.run(linkContext, () -> {
            target.write(data);
            if (target.writeQueueFull()) {
                Contexts.run(socketContext, socket::pause);
            }
        });
    }

    private void onClientInputEnded() {
        if (stream == null) {
            earlyEnd = true;
            return;
        }
        clientEnded = true;
        MuxStream target = stream;
        Contexts.run(linkContext, target::end);
        closeIfDone();
    }

    // ---- agent to client, on the link's context ----

    private void onAgentData(Buffer data) {
        lastWrite = socket.write(data);
        if (socket.writeQueueFull()) {
            stream.pause();
        }
    }

    private void onAgentEnded() {
        lastWrite.eventually(halfClose::shutdownOutput).onComplete(ar -> Contexts.run(socketContext, () -> {
            agentEnded = true;
            closeIfDone();
        }));
    }

    private void onStreamReset(Throwable error) {
        String reason = error instanceof StreamResetException reset ? reset.code() + ": " + reset.getMessage() : error.toString();
        LOG.debug("tcp {}: stream reset ({}); closing the connection", clientAddress, reason);
        Contexts.run(socketContext, socket::close);
    }

    // ---- socket context ----

    private void closeIfDone() {
        if (clientEnded && agentEnded && !socketClosed) {
            socket.close();
        }
    }

    private void onSocketClosed() {
        socketClosed = true;
        MuxStream current = stream;
        if (current != null && !(clientEnded && agentEnded)) {
            current.reset(ErrorCode.STREAM_CANCELLED, "the public TCP client closed the connection");
        }
    }
}
