package dev.burrow.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * TCP keep-alive for long-lived byte pipes (TCP endpoints, upgraded HTTP connections, their upstream sockets): a
 * peer that vanished without FIN or RST (host gone, cable pulled) stops answering the probes, the kernel fails the
 * socket and the pipe closes its other end. Linux's own default waits two hours before the first probe; here the
 * first probe goes after {@link #IDLE_SECONDS} of silence and the socket fails after {@link #PROBES} unanswered
 * ones, {@link #INTERVAL_SECONDS} apart: about two minutes in all.
 *
 * <p>The tuning options belong to Netty's native epoll transport; they are looked up by name so that this module
 * needs no native dependency, and on another transport only the on/off switch applies (the OS defaults then).
 */
public final class TcpKeepAlive {
    public static final int IDLE_SECONDS = 60;
    public static final int INTERVAL_SECONDS = 10;
    public static final int PROBES = 6;

    private static final String EPOLL = "io.netty.channel.epoll.EpollChannelOption#";

    private TcpKeepAlive() {
    }

    /** Turns keep-alive on for the socket under a Vert.x connection (a NetSocket, an HTTP connection). */
    public static void enable(Object vertxConnection) {
        if (vertxConnection instanceof ConnectionBase connection) {
            enable(connection.channel());
        }
    }

    /** Turns keep-alive on with the bounds above; options the transport lacks are skipped. */
    public static void enable(Channel channel) {
        channel.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        setIfKnown(channel, "TCP_KEEPIDLE", IDLE_SECONDS);
        setIfKnown(channel, "TCP_KEEPINTVL", INTERVAL_SECONDS);
        setIfKnown(channel, "TCP_KEEPCNT", PROBES);
    }

    private static void setIfKnown(Channel channel, String name, int value) {
        if (ChannelOption.exists(EPOLL + name)) {
            channel.config().setOption(ChannelOption.<Integer>valueOf(EPOLL + name), value);
        }
    }
}
