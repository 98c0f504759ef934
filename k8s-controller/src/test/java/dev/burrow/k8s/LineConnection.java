package dev.burrow.k8s;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain TCP client to a public port of the edge that sends a line and reads the line that comes back (from a tagged
 * echo upstream, {@code a-hello}: which upstream, so which replica's link, carried the connection). Each read waits at
 * most the timeout given.
 */
final class LineConnection implements AutoCloseable {
    private final Socket socket = new Socket();
    private final BufferedReader reader;

    LineConnection(int port, Duration timeout) {
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    /** The line that comes back for {@code line}; null when the connection ended first. */
    String exchange(String line) throws IOException {
        socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return reader.readLine();
    }

    /** On a new connection: the line that comes back for {@code line}, or what went wrong, as text. */
    static String once(int port, String line, Duration timeout) {
        try (LineConnection connection = new LineConnection(port, timeout)) {
            return String.valueOf(connection.exchange(line));
        } catch (IOException | UncheckedIOException e) {
            return "failed: " + e;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that is gone already
        }
    }
}
