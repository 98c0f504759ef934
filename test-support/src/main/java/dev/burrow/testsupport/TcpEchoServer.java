package dev.burrow.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP echo service on 127.0.0.1 that honours half-close: it echoes bytes as they come, and when the client shuts
 * down its output (EOF), it still writes a last line {@code BYE <bytes received>\n} and only then closes.
 *
 * <p>Plain blocking sockets, one thread per connection: Vert.x's NetServer closes a connection on EOF (it does not
 * expose half-closure), so it cannot play this part.
 */
public final class TcpEchoServer implements AutoCloseable {

    private final LoopbackServer server;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger completed = new AtomicInteger();

    private TcpEchoServer() {
        server = new LoopbackServer("tcp-echo", this::serve);
    }

    public static TcpEchoServer start() {
        return new TcpEchoServer();
    }

    /** The last line the server writes after the client's EOF, for {@code n} bytes received. */
    public static byte[] byeLine(long n) {
        return ("BYE " + n + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    public int port() {
        return server.port();
    }

    public String address() {
        return server.address();
    }

    public int acceptedConnections() {
        return server.acceptedConnections();
    }

    /** Connections that saw EOF from the client and got their BYE line written. */
    public int completedConnections() {
        return completed.get();
    }

    private void serve(Socket s) {
        connections.add(s);
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                total += n;
            }
            // the client half-closed: our direction is still open
            out.write(byeLine(total));
            out.flush();
            s.shutdownOutput();
            completed.incrementAndGet();
        } catch (IOException e) {
            if (!server.isClosed()) {
                System.err.println("tcp echo connection ended: " + e);
            }
        } finally {
            connections.remove(s);
        }
    }

    @Override
    public void close() {
        server.close();
        connections.forEach(LoopbackServer::closeQuietly);
    }
}
