package dev.burrow.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP upstream that records every byte it receives, on every connection, exactly as it arrived: what a hostile
 * request smuggled past the edge would show up here. It answers each request head (an empty line) with
 * {@code 200 ok} and keeps the connection open; it does not read bodies, which the tests that use it do not send on
 * requests that are meant to get through.
 */
public final class RecordingUpstream implements AutoCloseable {
    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII);

    private final LoopbackServer server;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    private RecordingUpstream() {
        server = new LoopbackServer("recording-upstream", this::serve);
    }

    public static RecordingUpstream start() {
        return new RecordingUpstream();
    }

    /** {@code 127.0.0.1:<port>}, for an agent's target. */
    public String address() {
        return server.address();
    }

    /** Everything received so far, all connections in arrival order, as ISO-8859-1 text. */
    public String received() {
        synchronized (received) {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Forgets what was received. */
    public void clear() {
        synchronized (received) {
            received.reset();
        }
    }

    private void serve(Socket socket) {
        connections.add(socket);
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            int tail = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (received) {
                    received.write(buffer, 0, n);
                }
                for (int i = 0; i < n; i++) {
                    tail = (tail << 8) | (buffer[i] & 0xff);
                    if (tail == 0x0d0a0d0a) {
                        out.write(OK);
                        out.flush();
                    }
                }
            }
        } catch (IOException ignored) {
            // the agent closed its connection
        } finally {
            connections.remove(socket);
        }
    }

    @Override
    public void close() {
        server.close();
        connections.forEach(LoopbackServer::closeQuietly);
    }
}
