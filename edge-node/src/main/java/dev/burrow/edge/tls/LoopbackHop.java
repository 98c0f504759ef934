package dev.burrow.edge.tls;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

/**
 * Carries a public TLS connection to the HTTPS server on a loopback port, bytes unchanged both ways with backpressure,
 * after a PROXY protocol v1 line naming the public client, so that the HTTPS server sees the client's address (it
 * trusts PROXY headers from loopback only). Either side closing closes the other.
 */
final class LoopbackHop {
    private final NetClient client;
    private final int port;

    LoopbackHop(NetClient client, int port) {
        this.client = client;
        this.port = port;
    }

    /** Connects and pipes; {@code socket} must be paused, and is closed when the hop cannot be made. */
    Future<Void> carry(NetSocket socket) {
        return client.connect(port, "127.0.0.1").onSuccess(inner -> {
            inner.write(Buffer.buffer(proxyLine(socket.remoteAddress(), socket.localAddress())));
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
