package dev.burrow.testsupport;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A blocking TCP server on 127.0.0.1 (port from the OS): a daemon thread accepts and counts connections and runs
 * {@code handler} for each on a daemon thread of its own. Plain sockets, for the fault tools that need what a
 * Vert.x NetServer hides (half-close, half-open connections).
 */
final class LoopbackServer implements AutoCloseable {
    private final String name;
    private final ServerSocket server;
    private final Consumer<Socket> handler;
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean closed;

    LoopbackServer(String name, Consumer<Socket> handler) {
        this.name = name;
        this.handler = handler;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startDaemon(name + "-accept-" + port(), this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println(name + ": accept failed: " + e);
                }
                return;
            }
            accepted.incrementAndGet();
            startDaemon(name + "-" + socket.getPort(), () -> handler.accept(socket));
        }
    }

    static void startDaemon(String threadName, Runnable task) {
        Thread thread = new Thread(task, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:<port>}. */
    String address() {
        return "127.0.0.1:" + port();
    }

    int acceptedConnections() {
        return accepted.get();
    }

    boolean isClosed() {
        return closed;
    }

    /** Stops accepting; the connections are their handlers' to close. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
    }
}
