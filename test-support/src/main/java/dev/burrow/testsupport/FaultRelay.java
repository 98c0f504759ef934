package dev.burrow.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 (port from the OS) to a target, that a test can turn into a black hole: after
 * {@link #freeze()} no byte crosses in either direction and no connection is closed, which is what a dead NAT entry
 * or a pulled cable looks like to both ends (a half-open connection). Only heartbeats can notice it.
 * {@link #heal()} drops the frozen connections and relays new ones normally again.
 *
 * <pre>{@code
 * try (FaultRelay relay = FaultRelay.to(edge.tunnelPort())) {
 *     AgentProcess.http(edge, ...).server(relay.address()) ...
 *     relay.freeze();   // the link goes silent
 *     relay.heal();     // reconnects work again
 * }
 * }</pre>
 */
public final class FaultRelay implements AutoCloseable {

    private final int targetPort;
    private final LoopbackServer server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile boolean frozen;
    private volatile boolean closed;

    private FaultRelay(int targetPort) {
        this.targetPort = targetPort;
        this.server = new LoopbackServer("fault-relay", this::connect);
    }

    /** A relay to 127.0.0.1:{@code targetPort}. */
    public static FaultRelay to(int targetPort) {
        return new FaultRelay(targetPort);
    }

    public int port() {
        return server.port();
    }

    /** {@code 127.0.0.1:<port>}, for an agent's --server. */
    public String address() {
        return server.address();
    }

    /** Connections accepted so far (each agent (re)connect attempt is one). */
    public int acceptedConnections() {
        return server.acceptedConnections();
    }

    /** From now on nothing is relayed and nothing is closed: every connection through the relay is half-open. */
    public void freeze() {
        frozen = true;
    }

    /** Closes every connection (frozen ones included) and relays normally again. */
    public void heal() {
        synchronized (gate) {
            for (Socket s : sockets) {
                closeQuietly(s);
            }
            sockets.clear();
            frozen = false;
            gate.notifyAll();
        }
    }

    public boolean isFrozen() {
        return frozen;
    }

    private void connect(Socket client) {
        sockets.add(client);
        Socket upstream = new Socket();
        sockets.add(upstream);
        try {
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        LoopbackServer.startDaemon("fault-relay-back-" + client.getPort(), () -> pump(upstream, client));
        pump(client, upstream);
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[32 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (!awaitThawed(from)) {
                    return; // healed: this connection was dropped
                }
                out.write(buf, 0, n);
                out.flush();
            }
            if (awaitThawed(from)) {
                to.shutdownOutput();
            }
        } catch (IOException e) {
            if (!frozen) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }
    }

    /** Blocks while frozen; false when the connection was dropped meanwhile. */
    private boolean awaitThawed(Socket socket) {
        synchronized (gate) {
            while (frozen && !closed && !socket.isClosed()) {
                try {
                    gate.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !socket.isClosed() && !closed;
        }
    }

    private static void closeQuietly(Socket s) {
        LoopbackServer.closeQuietly(s);
    }

    @Override
    public void close() {
        closed = true;
        server.close();
        heal();
    }
}
