package dev.burrow.edge.tls;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;

/**
 * Keeps a public TLS connection out of Linux's delayed-ACK mode while its handshake is in flight, by setting
 * {@code TCP_QUICKACK} after each of the first flushes towards the client.
 * <p>
 * Why: after the server's flight, a client's Finished is answered by nothing (our TLS library sends the TLS 1.3 session
 * tickets only with the first response), so the kernel would acknowledge it only after its delayed-ACK timer, 40 ms.
 * A client without {@code TCP_NODELAY} (python, Java, many HTTP libraries) holds its request in its Nagle buffer until
 * that ACK: 40 ms added to every new connection. {@code TCP_QUICKACK} is not sticky (the kernel re-enters delayed-ACK
 * mode when it sends data soon after receiving some), hence set again after each flush. Native epoll transport only;
 * a no-op on others.
 */
final class QuickAckWhileHandshaking extends ChannelDuplexHandler {
    static final String NAME = "burrowQuickAck";
    /** ServerHello flight, tickets and the first response: enough to cover the handshake of TLS 1.2 and 1.3. */
    private static final int FLUSHES = 4;

    /** Netty's {@code EpollChannelOption.TCP_QUICKACK}, by name: the epoll transport is a runtime dependency only. */
    private static final ChannelOption<Boolean> TCP_QUICKACK =
            ChannelOption.valueOf("io.netty.channel.epoll.EpollChannelOption#TCP_QUICKACK");

    private int flushesLeft = FLUSHES;

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
        if (ctx.channel().isActive()) {
            ctx.channel().config().setOption(TCP_QUICKACK, true);
        }
        if (--flushesLeft == 0) {
            ctx.pipeline().remove(this);
        }
    }
}
