package dev.burrow.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP upstream written on plain sockets, for the framings and faults no well-behaved server produces. It serves
 * the files of a directory by name:
 * <ul>
 *   <li>{@code /close/NAME}: {@code HTTP/1.0 200} with no Content-Length; the body ends when the connection closes.</li>
 *   <li>{@code /cut/NAME}: {@code HTTP/1.1 200} with the file's Content-Length, then half the body, then the
 *       connection closes: an upstream that died mid-body.</li>
 *   <li>{@code /cut-chunked/NAME}: {@code HTTP/1.1 200} chunked, half the body as chunks, then the connection closes
 *       without the last chunk.</li>
 *   <li>{@code /silent}: reads the request and never answers; the connection stays open until {@link #close()}.</li>
 *   <li>{@code /sink}: reads the request body until the connection ends and never answers; {@link #awaitSinkEnd}
 *       tells how many body bytes had come (a request the path gave up on).</li>
 * </ul>
 * Anything else gets a 404 and a close.
 */
public final class RawSocketUpstream implements AutoCloseable {

    private static final int MAX_HEAD = 64 * 1024;
    /** CR LF CR LF as the last four bytes read. */
    private static final int END_OF_HEAD = 0x0D0A0D0A;

    private final Path dir;
    private final LoopbackServer server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger silentRequests = new AtomicInteger();
    private final java.util.concurrent.BlockingQueue<Long> sinkEnds = new java.util.concurrent.LinkedBlockingQueue<>();

    private RawSocketUpstream(Path dir) {
        this.dir = dir;
        this.server = new LoopbackServer("raw-upstream", this::serve);
    }

    public static RawSocketUpstream serve(Path dir) {
        return new RawSocketUpstream(dir);
    }

    /** {@code 127.0.0.1:<port>}. */
    public String address() {
        return server.address();
    }

    /** Requests for {@code /silent} received so far (each one's connection is still held open). */
    public int silentRequests() {
        return silentRequests.get();
    }

    private void serve(Socket socket) {
        try (socket) {
            String target = requestTarget(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            if (target.equals("/silent")) {
                silentRequests.incrementAndGet();
                held.add(socket);
                holdUntilClosed(socket);
            } else if (target.equals("/sink")) {
                sinkEnds.add(readUntilEnd(socket.getInputStream()));
            } else if (target.startsWith("/close/")) {
                out.write(head("HTTP/1.0 200 OK", "Connection: close"));
                writeFile(out, target.substring("/close/".length()), 1.0, false);
            } else if (target.startsWith("/cut/")) {
                Path file = file(target.substring("/cut/".length()));
                out.write(head("HTTP/1.1 200 OK", "Content-Length: " + Files.size(file)));
                writeFile(out, file.getFileName().toString(), 0.5, false);
            } else if (target.startsWith("/cut-chunked/")) {
                out.write(head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked"));
                writeFile(out, target.substring("/cut-chunked/".length()), 0.5, true);
            } else {
                out.write(("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        } catch (IOException e) {
            // the peer went away; nothing to answer
        }
    }

    /**
     * How many body bytes a {@code /sink} request had delivered when its connection ended (the agent gave the request
     * up), or -1 if none ended within {@code timeout}.
     */
    public long awaitSinkEnd(java.time.Duration timeout) throws InterruptedException {
        Long bytes = sinkEnds.poll(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return bytes == null ? -1 : bytes;
    }

    private static long readUntilEnd(InputStream in) {
        long count = 0;
        byte[] sink = new byte[8192];
        try {
            for (int n; (n = in.read(sink)) >= 0; ) {
                count += n;
            }
        } catch (IOException reset) {
            // a reset ends the request too
        }
        return count;
    }

    /** Reads the request head (bounded) and returns its target; the body, if any, is not read. */
    private static String requestTarget(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        int b;
        while (lastFour != END_OF_HEAD && head.size() < MAX_HEAD && (b = in.read()) >= 0) {
            head.write(b);
            lastFour = (lastFour << 8) | b;
        }
        String[] requestLine = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2)[0].split(" ");
        return requestLine.length >= 2 ? requestLine[1] : "";
    }

    private static byte[] head(String statusLine, String framing) {
        return (statusLine + "\r\nContent-Type: application/octet-stream\r\nServer: burrow-raw-upstream\r\n" + framing
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private Path file(String name) throws IOException {
        Path file = dir.resolve(Path.of(name).getFileName().toString());
        if (!Files.isRegularFile(file)) {
            throw new IOException("no file " + file);
        }
        return file;
    }

    /** Writes the first {@code fraction} of the file, as chunks if {@code chunked} (never the last chunk). */
    private void writeFile(OutputStream out, String name, double fraction, boolean chunked) throws IOException {
        Path file = file(name);
        long limit = (long) (Files.size(file) * fraction);
        byte[] buffer = new byte[32 * 1024];
        long sent = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while (sent < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - sent))) > 0) {
                if (chunked) {
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(buffer, 0, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(buffer, 0, n);
                }
                sent += n;
            }
        }
    }

    private void holdUntilClosed(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[1024];
            while (!server.isClosed() && in.read(sink) >= 0) {
                // whatever else the peer sends is ignored; the answer never comes
            }
        } catch (IOException e) {
            // closed by close() or by the peer
        }
    }

    @Override
    public void close() {
        server.close();
        for (Socket socket : held) {
            LoopbackServer.closeQuietly(socket);
        }
    }
}
