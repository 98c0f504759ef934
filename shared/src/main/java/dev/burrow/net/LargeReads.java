package dev.burrow.net;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/**
 * Read sizes for the agent's upstream connections, which carry bulk bodies.
 * Netty's default adaptive allocator grows a socket's reads to 64 KiB at most; a download then costs one system call
 * per 64 KiB on each socket it crosses, and on a virtual machine every system call that moves network data is dear.
 * Reads here grow to 256 KiB, still the largest size Netty's adaptive buffer allocator pools when the heap is 512 MiB or
 * less; they start at 2 KiB and shrink again, so a connection that carries small requests reads as before.
 * The allocator must be set before a channel's first read (Netty keeps the handle it made then): the agent link's TLS
 * handshake reads before the multiplexer sees the socket, and Vert.x's options have no such setting, so the link keeps
 * Netty's default.
 */
public final class LargeReads {
    public static final int MAX_READ_BYTES = 256 * 1024;
    private static final RecvByteBufAllocator ALLOCATOR = new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES);

    private LargeReads() {
    }

    /** Shared: the allocator keeps each channel's state in the handle it makes for that channel. */
    public static RecvByteBufAllocator allocator() {
        return ALLOCATOR;
    }
}
