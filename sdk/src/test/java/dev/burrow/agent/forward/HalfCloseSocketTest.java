package dev.burrow.agent.forward;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Half-close on real sockets: a blocking JDK socket on one side, {@link HalfCloseSocket} on the other. */
@ExtendWith(VertxExtension.class)
class HalfCloseSocketTest {

    /** The peer sends, then FIN; we still answer after seeing the end, then FIN ourselves. */
    @Test
    void peerFinBecomesEndAndWeCanStillWrite(Vertx vertx) throws Exception {
        NetServer server = vertx.createNetServer();
        int port = server.connectHandler(socket -> {
            HalfCloseSocket half = HalfCloseSocket.wrap(socket);
            Buffer received = Buffer.buffer();
            half.handler(received::appendBuffer);
            half.endHandler(v -> half.write(Buffer.buffer("got " + received.length() + " bytes")).onComplete(ar -> half.end()));
        }).listen(0, "127.0.0.1").await().actualPort();

        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            out.write(new byte[100_000]);
            out.flush();
            client.shutdownOutput();
            byte[] answer = client.getInputStream().readAllBytes();
            assertEquals("got 100000 bytes", new String(answer, StandardCharsets.US_ASCII));
        }
        server.close().await();
    }

    /** The same over the native (epoll) transport the CLI prefers. */
    @Test
    void peerFinBecomesEndOnTheNativeTransport() throws Exception {
        Vertx nativeVertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
        try {
            assertTrue(nativeVertx.isNativeTransportEnabled(), "epoll should load here");
            peerFinBecomesEndAndWeCanStillWrite(nativeVertx);
        } finally {
            nativeVertx.close().await();
        }
    }

    /** We send and FIN; the peer reads to EOF and can still send afterwards, which we receive. */
    @Test
    void ourEndSendsFinAfterQueuedBytesAndReadingGoesOn(Vertx vertx) throws Exception {
        byte[] payload = new byte[2 * 1024 * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        CompletableFuture<String> afterFin = new CompletableFuture<>();
        NetServer server = vertx.createNetServer();
        int port = server.connectHandler(socket -> {
            HalfCloseSocket half = HalfCloseSocket.wrap(socket);
            Buffer received = Buffer.buffer();
            half.handler(received::appendBuffer);
            half.endHandler(v -> afterFin.complete(received.toString(StandardCharsets.US_ASCII)));
            half.write(Buffer.buffer(payload));
            half.end();
        }).listen(0, "127.0.0.1").await().actualPort();

        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(10_000);
            InputStream in = client.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            assertArrayEquals(payload, all.toByteArray());
            client.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertEquals("still here", afterFin.get(10, TimeUnit.SECONDS));
        }
        server.close().await();
    }

    /** A paused reader holds back the bytes and the FIN; both arrive in order after resume. */
    @Test
    void finDoesNotOvertakeBytesWhilePaused(Vertx vertx, VertxTestContext test) throws Exception {
        Promise<String> order = Promise.promise();
        NetServer server = vertx.createNetServer();
        int port = server.connectHandler(socket -> {
            HalfCloseSocket half = HalfCloseSocket.wrap(socket);
            int[] bytes = new int[1];
            half.pause();
            half.handler(data -> bytes[0] += data.length());
            half.endHandler(v -> order.tryComplete("bytes=" + bytes[0] + " then end"));
            vertx.setTimer(300, id -> half.resume());
        }).listen(0, "127.0.0.1").await().actualPort();

        try (Socket client = new Socket("127.0.0.1", port)) {
            client.getOutputStream().write(new byte[5000]);
            client.shutdownOutput();
            Future<String> result = order.future();
            String events = result.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            test.verify(() -> assertEquals("bytes=5000 then end", events));
        }
        server.close().await();
        test.completeNow();
    }
}
