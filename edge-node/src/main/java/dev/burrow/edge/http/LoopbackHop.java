package dev.burrow.edge.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

/**
 * Carries a public connection to an internal server on a loopback port (the HTTPS server for terminated TLS, the h2c
 * server for HTTP/2 with prior knowledge), bytes unchanged both ways with backpressure, after a PROXY protocol v1 line
 * naming the public client, so that the internal server sees the client's address (it trusts PROXY headers from
 * loopback only). Either side closing closes the other.
 */
public final class LoopbackHop {
    private final NetClient client;
    private final int port;

    public LoopbackHop(NetClient client, int port) {
        this.client = client;
        this.port = port;
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
        return client.connect(port, "127.0.0.1").onSuccess(inner -> {
            inner.write(Buffer.buffer(proxyLine(socket.remoteAddress(), socket.localAddress())));
            if (alreadyRead != null) {
                inner.write(alreadyRead);
            }
            socket.closeHandler(v -> inner.close());
            inner.closeHandler(v -> socket.close());
            socket.pipeTo(inner);
            inner.pipeTo(socket);
        }).onFailure(error -> socket.close()).mapEmpty();
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
