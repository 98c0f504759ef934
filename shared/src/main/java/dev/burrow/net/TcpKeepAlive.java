package dev.burrow.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.vertx.core.net.impl.ConnectionBase;
import jdk.net.ExtendedSocketOptions;

import java.time.Duration;

/**
 * TCP keep-alive for public connections and long-lived byte pipes (TCP endpoints, upgraded HTTP connections, their
 * upstream sockets): a peer that vanished without FIN or RST (host gone, cable pulled) stops answering the probes,
 * the kernel fails the socket and whatever owns it closes its other end. Linux's own default waits two hours before
 * the first probe; here the first probe goes after {@link #DEFAULT_IDLE} of silence (or the idle time given) and the
 * socket fails after {@link #PROBES} unanswered ones, {@link #INTERVAL_SECONDS} apart: about idle + 30 s in all.
 *
 * <p>The tuning options of Netty's native epoll transport are looked up by name so that this module needs no native
 * dependency; on the NIO transport the JDK's extended socket options do the same.
 */
public final class TcpKeepAlive {
    public static final Duration DEFAULT_IDLE = Duration.ofSeconds(60);
    public static final int INTERVAL_SECONDS = 10;
    public static final int PROBES = 3;

    private static final String EPOLL = "io.netty.channel.epoll.EpollChannelOption#";

    private TcpKeepAlive() {
    }

    /** Turns keep-alive on, with the default idle time, for the socket under a Vert.x connection (a NetSocket, an HTTP connection). */
    public static void enable(Object vertxConnection) {
        enable(vertxConnection, DEFAULT_IDLE);
    }

    /** As {@link #enable(Channel, Duration)}, for the socket under a Vert.x connection. */
    public static void enable(Object vertxConnection, Duration idle) {
        if (vertxConnection instanceof ConnectionBase connection) {
            enable(connection.channel(), idle);
        }
    }

    /** Turns keep-alive on, the first probe after {@code idle} of silence; a zero idle leaves the socket as it is. */
    public static void enable(Channel channel, Duration idle) {
        if (idle.isZero()) {
            return;
        }
        int idleSeconds = (int) Math.max(1, idle.toSeconds());
        channel.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        if (ChannelOption.exists(EPOLL + "TCP_KEEPIDLE")
                && channel.config().setOption(ChannelOption.<Integer>valueOf(EPOLL + "TCP_KEEPIDLE"), idleSeconds)) {
            channel.config().setOption(ChannelOption.<Integer>valueOf(EPOLL + "TCP_KEEPINTVL"), INTERVAL_SECONDS);
            channel.config().setOption(ChannelOption.<Integer>valueOf(EPOLL + "TCP_KEEPCNT"), PROBES);
            return;
        }
        channel.config().setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idleSeconds);
        channel.config().setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), INTERVAL_SECONDS);
        channel.config().setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), PROBES);
    }
}
