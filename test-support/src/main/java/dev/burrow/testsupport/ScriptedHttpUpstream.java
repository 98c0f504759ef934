package dev.burrow.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP upstream on plain sockets that answers every request the same scripted way, including the ways real
 * servers misbehave and Vert.x servers never do: a close-delimited HTTP/1.0 body, a death in mid-body (with a
 * FIN or a TCP reset), no answer at all, or a 101 after which it only waits. The body is
 * {@link DeterministicBytes} of the given size, so a client can check what it got.
 *
 * <pre>{@code
 * try (ScriptedHttpUpstream up = ScriptedHttpUpstream.start(ScriptedHttpUpstream.Script.CLOSE_DELIMITED, 10 << 20)) {
 *     up.address();   // 127.0.0.1:PORT
 * }
 * }</pre>
 */
public final class ScriptedHttpUpstream implements AutoCloseable {

    /** How each request is answered. */
    public enum Script {
        /** HTTP/1.0 200 with no Content-Length: the body ends where the connection closes (FIN). */
        CLOSE_DELIMITED,
        /** 200 with the full Content-Length, then half of the body and a FIN. */
        LENGTH_THEN_DIES,
        /** 200 chunked, one chunk of half of the body, then a FIN without the last chunk. */
        CHUNKED_THEN_DIES,
        /** HTTP/1.0 200 with no length, half of the body, then a TCP reset (the only way such a body can fail). */
        CLOSE_DELIMITED_THEN_RESET,
        /** Reads the request and never answers. */
        SILENT,
        /** Answers 101 Switching Protocols and then only reads, until the connection closes. */
        UPGRADE_THEN_WAIT,
        /** Answers 101 Switching Protocols with the body right behind it, and closes. */
        UPGRADE_SEND_THEN_CLOSE
    }

    private final Script script;
    private final long size;
    private final LoopbackServer server;
    private final CountDownLatch upgradedClosed = new CountDownLatch(1);

    private ScriptedHttpUpstream(Script script, long size) {
        this.script = script;
        this.size = size;
        this.server = new LoopbackServer("scripted-" + script.name().toLowerCase(), this::serve);
    }

    public static ScriptedHttpUpstream start(Script script, long size) {
        return new ScriptedHttpUpstream(script, size);
    }

    /** {@code 127.0.0.1:<port>}. */
    public String address() {
        return server.address();
    }

    /** Whether an upgraded connection was closed by the tunnel side within {@code timeoutMillis}. */
    public boolean awaitUpgradedClosed(long timeoutMillis) throws InterruptedException {
        return upgradedClosed.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            if (!readHead(in)) {
                return;
            }
            OutputStream out = socket.getOutputStream();
            switch (script) {
                case CLOSE_DELIMITED -> {
                    out.write(ascii("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n"));
                    writeBody(out, size);
                }
                case LENGTH_THEN_DIES -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n"));
                    writeBody(out, size / 2);
                }
                case CHUNKED_THEN_DIES -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Long.toHexString(size / 2) + "\r\n"));
                    writeBody(out, size / 2);
                    out.write(ascii("\r\n"));
                }
                case CLOSE_DELIMITED_THEN_RESET -> {
                    out.write(ascii("HTTP/1.0 200 OK\r\n\r\n"));
                    writeBody(out, size / 2);
                    out.flush();
                    socket.setSoLinger(true, 0);
                }
                case SILENT -> drain(in);
                case UPGRADE_THEN_WAIT -> {
                    out.write(ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: scripted\r\nConnection: Upgrade\r\n\r\n"));
                    out.flush();
                    drain(in);
                    upgradedClosed.countDown();
                }
                case UPGRADE_SEND_THEN_CLOSE -> {
                    out.write(ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: scripted\r\nConnection: Upgrade\r\n\r\n"));
                    writeBody(out, size);
                }
            }
            out.flush();
        } catch (IOException e) {
            // the tunnel side went away; nothing to answer
        }
    }

    /** Reads up to the blank line that ends a request head; false if the connection closed first. */
    private static boolean readHead(InputStream in) throws IOException {
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a) {
                return true;
            }
        }
        return false;
    }

    private static void drain(InputStream in) throws IOException {
        byte[] sink = new byte[8192];
        while (in.read(sink) >= 0) {
            // only waits for the close
        }
    }

    private static void writeBody(OutputStream out, long count) throws IOException {
        for (long offset = 0; offset < count; offset += DeterministicBytes.MAX_CHUNK) {
            int n = (int) Math.min(DeterministicBytes.MAX_CHUNK, count - offset);
            out.write(DeterministicBytes.slice(offset, n));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        server.close();
    }
}
