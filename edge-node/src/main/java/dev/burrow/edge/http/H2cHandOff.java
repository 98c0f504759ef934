package dev.burrow.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.net.impl.NetSocketImpl;
import io.vertx.core.net.impl.VertxHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a plain-port connection that opened with the HTTP/2 preface (h2c with prior knowledge) to the h2c server: its
 * HTTP/1 handlers leave the pipeline, the connection becomes a socket, and a {@link LoopbackHop} pipes it to that
 * server, the bytes already read (the preface first) ahead of the rest.
 * <p>
 * Not Vert.x's {@code Http1xServerConnection.netSocket()}: that one reports the end of a response in progress when the
 * socket closes, and there is none here (it would fail on the missing request with metrics on).
 */
final class H2cHandOff {
    private static final Logger LOG = LoggerFactory.getLogger(H2cHandOff.class);

    private final LoopbackHop hop;

    H2cHandOff(LoopbackHop hop) {
        this.hop = hop;
    }

    /**
     * On the connection's event loop, with nothing read from it (auto-read off) since {@code firstBytes}; the pipeline
     * changes at once, so that whatever is read next goes to the socket.
     */
    void carry(Http1xServerConnection http1, String decoderName, ByteBuf firstBytes) {
        byte[] alreadyRead = ByteBufUtil.getBytes(firstBytes);
        firstBytes.release();
        ChannelPipeline pipeline = http1.channelHandlerContext().pipeline();
        pipeline.remove(decoderName);
        if (pipeline.get(FirstRequestGrace.class) != null) {
            pipeline.remove(FirstRequestGrace.class);
        }
        pipeline.remove("httpEncoder");
        if (pipeline.get("chunkedWriter") != null) {
            pipeline.remove("chunkedWriter");
        }
        pipeline.replace("handler", "handler", VertxHandler.create(ctx -> {
            NetSocketImpl socket = new NetSocketImpl(http1.context(), ctx, null, null, http1.metrics(), false);
            socket.metric(http1.metric());
            return socket;
        }));
        @SuppressWarnings("unchecked")
        NetSocketImpl socket = ((VertxHandler<NetSocketImpl>) pipeline.get("handler")).getConnection();
        // Paused, the socket queues what arrives until the hop pipes it (and stops reading when its queue is full).
        socket.pause();
        http1.channel().config().setAutoRead(true);
        // Connected from the connection's own context, so that both sockets of the hop run on its event loop.
        http1.context().runOnContext(v -> hop.carry(socket, Buffer.buffer(alreadyRead))
                .onFailure(error -> LOG.warn("http: cannot reach the h2c server behind the hop: {}", error.getMessage())));
    }
}
