package dev.burrow.edge.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Carries a public connection to an internal server of the edge (the HTTPS server for terminated TLS, the h2c server
 * for HTTP/2 with prior knowledge) over a Unix domain socket or a loopback port ({@link HopSockets}), bytes unchanged
 * both ways with backpressure, after a PROXY protocol v1 line naming the public client, so that the internal server
 * sees the client's address (it believes PROXY lines only from its domain socket or from loopback). The public client
 * closing closes the internal connection. The internal server closing ends the
 * public connection gracefully: what it wrote is flushed, then a FIN, and what the client still sends is read and
 * dropped for {@link LingeringClose#LINGER_MILLIS} at most before the socket closes. Closing at once, with the
 * client's bytes unread, would make the kernel answer with a reset, which can destroy the internal server's last words
 * before the client reads them (the GOAWAY that ends an HTTP/2 flood, a TLS alert).
 */
public final class LoopbackHop {
    private static final String DROP_HANDLER = "burrow-hop-linger";

    private final NetClient client;
    private final SocketAddress server;

    /** @param server the internal server's domain socket or loopback address */
    public LoopbackHop(NetClient client, SocketAddress server) {
        this.client = client;
        this.server = server;
    }

    /** Connects and pipes; {@code socket} must be paused, and is closed when the hop cannot be made. */
    public Future<Void> carry(NetSocket socket) {
        return carry(socket, null);
    }

    /**
     * As {@link #carry(NetSocket)}, with {@code alreadyRead} (bytes of {@code socket} read before it became a socket;
     * null: none) sent to the internal server first.
     */
    public Future<Void> carry(NetSocket socket, Buffer alreadyRead) {
        return client.connect(server).onSuccess(inner -> {
            // Not flushed on its own: the line leaves with the client's first bytes, one write and one read fewer per hop.
            ((NetSocketInternal) inner).channelHandlerContext().write(Unpooled.copiedBuffer(
                    proxyLine(socket.remoteAddress(), socket.localAddress()), StandardCharsets.US_ASCII));
            if (alreadyRead != null) {
                inner.write(alreadyRead);
            }
            socket.closeHandler(v -> inner.close());
            inner.closeHandler(v -> closeAfterLinger(socket));
            // A client gone while the hop connected has closed its socket already, and the handler above never runs;
            // nothing would close the inner connection (on a domain socket its server has no PROXY-line deadline).
            if (!((NetSocketInternal) socket).channelHandlerContext().channel().isActive()) {
                inner.close();
                return;
            }
            // The internal server may answer and close while the client still sends (a TLS alert for a missing client
            // certificate, the client's request right behind its Finished). On a domain socket the next write then
            // fails at once (EPIPE); it must not close the hop before the answer is read from it: the failed write
            // only shuts the hop's output, what the client sends after is dropped, and the hop closes when the
            // internal server's close is read.
            ((NetSocketInternal) inner).channelHandlerContext().channel().config().setAutoClose(false);
            socket.pipe().endOnFailure(false).to(inner);
            inner.pipe().endOnComplete(false).to(socket);
        }).onFailure(error -> socket.close()).mapEmpty();
    }

    private static void closeAfterLinger(NetSocket socket) {
        Channel channel = ((NetSocketInternal) socket).channelHandlerContext().channel();
        channel.eventLoop().execute(() -> {
            if (!channel.isActive() || !(channel instanceof DuplexChannel duplex)) {
                socket.close();
                return;
            }
            // Reading on (and dropping) lets a client that is still sending get to reading what it is owed.
            if (channel.pipeline().get(DROP_HANDLER) == null) {
                channel.pipeline().addFirst(DROP_HANDLER, new DropInbound());
            }
            channel.config().setAutoRead(true);
            // The channel itself, not the Vert.x socket: a socket's close waits for its queued writes, which a client that
            // reads nothing never takes.
            channel.eventLoop().schedule(() -> channel.close(), LingeringClose.LINGER_MILLIS, TimeUnit.MILLISECONDS);
            // An empty write completes after every byte queued before it, the internal server's last ones; only then
            // may output shut down (shutting down drops what Netty still holds).
            socket.write(Buffer.buffer()).onComplete(flushed -> {
                if (flushed.succeeded()) {
                    duplex.shutdownOutput();
                } else {
                    socket.close();
                }
            });
        });
    }

    /**
     * Reads and drops: a public client whose internal connection is gone has nothing left to say. Closes the channel
     * once {@link LingeringClose#LINGER_MAX_BYTES} were dropped.
     */
    private static final class DropInbound extends ChannelInboundHandlerAdapter {
        private long dropped;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.buffer.ByteBuf bytes) {
                dropped += bytes.readableBytes();
            }
            ReferenceCountUtil.release(msg);
            if (dropped > LingeringClose.LINGER_MAX_BYTES) {
                ctx.channel().close();
            }
        }
    }

    /** The PROXY v1 line for a connection from {@code client} to {@code server}; UNKNOWN when either is not IP. */
    static String proxyLine(SocketAddress client, SocketAddress server) {
        if (client == null || server == null || client.hostAddress() == null || server.hostAddress() == null) {
            return "PROXY UNKNOWN\r\n";
        }
        String family = client.hostAddress().contains(":") ? "TCP6" : "TCP4";
        String serverHost = server.hostAddress();
        if (family.equals("TCP6") != serverHost.contains(":")) {
            return "PROXY UNKNOWN\r\n";
        }
        return "PROXY " + family + " " + client.hostAddress() + " " + serverHost + " " + client.port() + " " + server.port() + "\r\n";
    }
}
