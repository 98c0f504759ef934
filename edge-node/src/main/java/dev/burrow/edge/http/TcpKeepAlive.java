package dev.burrow.edge.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import jdk.net.ExtendedSocketOptions;

import java.time.Duration;

/**
 * TCP keep-alive on one public connection, probing after {@code idle} without traffic, then {@link #PROBES} probes
 * {@link #INTERVAL_SECONDS} apart: a client that vanished without FIN or RST is noticed in about idle + 30 s instead
 * of the kernel's two hours. Works on the epoll and NIO transports.
 */
final class TcpKeepAlive {
    static final int PROBES = 3;
    static final int INTERVAL_SECONDS = 10;

    // The epoll transport's options, by the names Netty registers them under (its classes are a runtime dependency).
    private static final ChannelOption<Integer> EPOLL_IDLE = ChannelOption.valueOf("io.netty.channel.epoll.EpollChannelOption#TCP_KEEPIDLE");
    private static final ChannelOption<Integer> EPOLL_INTERVAL = ChannelOption.valueOf("io.netty.channel.epoll.EpollChannelOption#TCP_KEEPINTVL");
    private static final ChannelOption<Integer> EPOLL_COUNT = ChannelOption.valueOf("io.netty.channel.epoll.EpollChannelOption#TCP_KEEPCNT");

    private TcpKeepAlive() {
    }

    static void apply(Channel channel, Duration idle) {
        if (idle.isZero()) {
            return;
        }
        int idleSeconds = (int) Math.max(1, idle.toSeconds());
        channel.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        if (!channel.config().setOption(EPOLL_IDLE, idleSeconds)) {
            channel.config().setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idleSeconds);
            channel.config().setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), INTERVAL_SECONDS);
            channel.config().setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), PROBES);
            return;
        }
        channel.config().setOption(EPOLL_INTERVAL, INTERVAL_SECONDS);
        channel.config().setOption(EPOLL_COUNT, PROBES);
    }
}
