package dev.burrow.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Exact bytes to a server on a fresh connection, then everything it answers until it closes the connection (or
 * {@code wait} passes): the answer, whether the server closed, and when. For hostile-input tests that must see both
 * the status line and the close.
 *
 * @param answer  every byte the server sent, as ISO-8859-1 text
 * @param closed  whether the server closed the connection (EOF or reset) within the wait
 * @param elapsed from the connect to the close, or to the end of the wait
 */
public record RawExchange(String answer, boolean closed, Duration elapsed) {

    /** The first line of the answer, without its CRLF; empty when nothing came. */
    public String statusLine() {
        int end = answer.indexOf("\r\n");
        return end < 0 ? answer : answer.substring(0, end);
    }

    public static RawExchange send(int port, String request, Duration wait) {
        return send(port, request.getBytes(StandardCharsets.ISO_8859_1), wait);
    }

    public static RawExchange send(int port, byte[] request, Duration wait) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return readToClose(socket, start, wait);
        } catch (IOException e) {
            throw new UncheckedIOException("exchange with 127.0.0.1:" + port, e);
        }
    }

    /** Reads {@code socket} until the server closes it or {@code wait} from {@code startNanos} passes. */
    public static RawExchange readToClose(Socket socket, long startNanos, Duration wait) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        long deadline = startNanos + wait.toNanos();
        boolean closed = false;
        while (!closed) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            socket.setSoTimeout((int) left);
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    closed = true;
                } else {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                break;
            } catch (IOException reset) {
                closed = true;
            }
        }
        return new RawExchange(answer.toString(StandardCharsets.ISO_8859_1), closed, Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
