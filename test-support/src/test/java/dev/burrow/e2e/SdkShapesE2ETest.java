package dev.burrow.e2e;

import com.sun.net.httpserver.HttpServer;
import dev.burrow.agent.BurrowException;
import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.EndpointListener;
import dev.burrow.agent.Forwarder;
import dev.burrow.agent.TunnelConnection;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.testsupport.DeterministicBytes;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.PublicHttpClient;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK's shapes against a real edge on loopback, each from plain Java threads: the JDK's own HTTP server behind
 * {@code forward(URI)}; a {@link ServerSocket} echo program, unchanged, behind a TCP endpoint's
 * {@code serverSocket()}; an HTTP exchange taken with {@code accept()} and answered with blocking streams; accept
 * semantics; and a closed session's name bound again by another session within a second. The sessions create their
 * own Vert.x instances.
 */
class SdkShapesE2ETest extends OneEdgeE2ETest {
    /** A closed session's name is free for another session within this (the goodbye frees it at once). */
    private static final Duration REBIND_BOUND = Duration.ofSeconds(1);

    private static final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeAll
    static void startAll() {
        startEdge(EdgeProcess.builder().name("edge-sdk"), 4);
    }

    @AfterAll
    static void stopThreads() {
        threads.shutdownNow();
    }

    private static BurrowSession session() throws Exception {
        return BurrowSession.builder().serverAddress(edge.serverAddress()).authtoken(edge.authtoken())
                .edgeCa(edge.caPath()).links(1).connect().await(20, TimeUnit.SECONDS);
    }

    @Test
    void theJdkHttpServerServesThroughForwardUnchanged() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] answer = (exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + sha256(body))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("X-Served-By", "jdk-httpserver");
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        BurrowSession session = session();
        try {
            Forwarder web = session.httpEndpoint().subdomain("sdk-jdk").forward(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort())).await(20, TimeUnit.SECONDS);
            assertEquals(edge.publicHttpUrl("sdk-jdk"), web.publicUrl());
            byte[] upload = bytes(0, 300_000);
            PublicHttpClient.Response response = client.post("sdk-jdk." + edge.domain(), "/files?x=1", MultiMap.caseInsensitiveMultiMap(),
                    Buffer.buffer(upload));
            assertEquals(201, response.status());
            assertEquals("jdk-httpserver", response.header("X-Served-By"));
            assertEquals("POST /files?x=1 " + sha256(upload), response.bodyText());
        } finally {
            session.close().await(20, TimeUnit.SECONDS);
            server.stop(0);
        }
    }

    /** The echo program as anyone would write it against a ServerSocket: a thread per client, bytes back until EOF. */
    private static void echoServe(ServerSocket server) {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            threads.submit(() -> {
                try (Socket socket = client; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                    in.transferTo(out);
                }
                return null;
            });
        }
    }

    @Test
    void aServerSocketEchoProgramServesThroughATcpEndpoint() throws Exception {
        BurrowSession session = session();
        try {
            EndpointListener tcp = session.tcpEndpoint().listen().await(20, TimeUnit.SECONDS);
            ServerSocket server = tcp.serverSocket();
            assertTrue(server.isBound());
            int publicPort = URI.create(tcp.publicUrl()).getPort();
            assertEquals(publicPort, server.getLocalPort());
            threads.submit(() -> echoServe(server));

            List<CompletableFuture<String>> clients = List.of(
                    CompletableFuture.supplyAsync(() -> echoThrough(publicPort, 0, 4 * 1024 * 1024), threads),
                    CompletableFuture.supplyAsync(() -> echoThrough(publicPort, 7, 300_000), threads));
            assertEquals(sha256(bytes(0, 4 * 1024 * 1024)), clients.get(0).get(60, TimeUnit.SECONDS));
            assertEquals(sha256(bytes(7, 300_000)), clients.get(1).get(60, TimeUnit.SECONDS));

            server.close();
            assertTrue(server.isClosed());
            tcp.closed().await(10, TimeUnit.SECONDS);
        } finally {
            session.close().await(20, TimeUnit.SECONDS);
        }
    }

    /**
     * One session asking twice for the same TCP port (two Kubernetes Services with the same port number did) is
     * refused the second time, and the first listener keeps its traffic: the edge would otherwise join the two binds
     * into one endpoint id and the streams would reach the last listener recorded.
     */
    @Test
    void aSessionThatBindsItsOwnPortAgainIsRefusedAndTheFirstListenerKeepsItsTraffic() throws Exception {
        BurrowSession session = session();
        try {
            EndpointListener first = session.tcpEndpoint().listen().await(20, TimeUnit.SECONDS);
            int publicPort = URI.create(first.publicUrl()).getPort();
            ServerSocket server = first.serverSocket();
            threads.submit(() -> echoServe(server));

            Exception refused = assertThrows(Exception.class,
                    () -> session.tcpEndpoint().port(publicPort).listen().await(20, TimeUnit.SECONDS));
            BurrowException cause = refused instanceof BurrowException b ? b : (BurrowException) refused.getCause();
            assertEquals(BurrowException.Reason.BIND_FAILED, cause.reason());
            assertTrue(cause.getMessage().contains("this session already serves " + first.publicUrl()), cause.getMessage());
            assertEquals(sha256(bytes(3, 100_000)), echoThrough(publicPort, 3, 100_000), "the first listener still serves");
            server.close();
        } finally {
            session.close().await(20, TimeUnit.SECONDS);
        }
    }

    /** Sends {@code n} bytes, half-closes, reads the echo to EOF; its SHA-256. */
    private static String echoThrough(int port, long offset, int n) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            CompletableFuture<String> echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    return sha256(socket.getInputStream().readAllBytes());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, threads);
            OutputStream out = socket.getOutputStream();
            for (int sent = 0; sent < n; sent += DeterministicBytes.MAX_CHUNK) {
                out.write(DeterministicBytes.slice(offset + sent, Math.min(DeterministicBytes.MAX_CHUNK, n - sent)));
            }
            socket.shutdownOutput();
            return echoed.get(50, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void anHttpExchangeIsAcceptedAndAnsweredWithBlockingStreams() throws Exception {
        BurrowSession session = session();
        try {
            EndpointListener listener = session.httpEndpoint().url("http://sdk-accept." + edge.domain())
                    .listen().await(20, TimeUnit.SECONDS);
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                TunnelConnection exchange = listener.accept().await();
                try (InputStream in = exchange.inputStream(); OutputStream out = exchange.outputStream()) {
                    byte[] body = in.readAllBytes();
                    byte[] answer = sha256(body).getBytes(StandardCharsets.UTF_8);
                    exchange.writeHeaders(new HttpResponseHead(200, "OK", List.of(Map.entry("Content-Length", String.valueOf(answer.length)),
                            Map.entry("Content-Type", "text/plain")))).await();
                    out.write(answer);
                    return exchange.requestHead().method() + " " + exchange.requestHead().uri();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, threads);
            byte[] upload = bytes(3, 1_000_000);
            PublicHttpClient.Response response = client.post("sdk-accept." + edge.domain(), "/upload", MultiMap.caseInsensitiveMultiMap(),
                    Buffer.buffer(upload));
            assertEquals(200, response.status());
            assertEquals(sha256(upload), response.bodyText());
            assertEquals("POST /upload", served.get(20, TimeUnit.SECONDS));
        } finally {
            session.close().await(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void acceptBlocksUntilAClientComesAndTimesOutLikeAServerSocket() throws Exception {
        BurrowSession session = session();
        try {
            EndpointListener tcp = session.tcpEndpoint().listen().await(20, TimeUnit.SECONDS);
            int publicPort = URI.create(tcp.publicUrl()).getPort();
            ServerSocket server = tcp.serverSocket();
            server.setSoTimeout(300);
            long started = System.nanoTime();
            assertThrows(SocketTimeoutException.class, server::accept);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(waitedMillis >= 290, "accept gave up after " + waitedMillis + " ms, before its 300 ms");

            server.setSoTimeout(0);
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, threads);
            Thread.sleep(300);
            assertFalse(accepted.isDone(), "accept returned with no client");
            try (Socket client = new Socket("127.0.0.1", publicPort)) {
                Socket socket = accepted.get(20, TimeUnit.SECONDS);
                assertEquals("127.0.0.1", socket.getInetAddress().getHostAddress(), "the public client's address");
                client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), socket.getInputStream().readNBytes(4));
                socket.setSoTimeout(200);
                assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read(), "a read with nothing sent times out");
                socket.close();
                assertEquals(-1, client.getInputStream().read(), "closing the accepted socket ends the client's connection");
            }

            CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    server.accept();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            }, threads);
            Thread.sleep(200);
            server.close();
            Throwable failure = blocked.get(10, TimeUnit.SECONDS);
            assertTrue(failure instanceof SocketException, "an accept blocked in a closed server socket fails: " + failure);
        } finally {
            session.close().await(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void closingTheSessionFreesItsNameForAnotherSessionWithinASecond() throws Exception {
        BurrowSession first = session();
        BurrowSession second = session();
        try {
            String url = "http://sdk-close." + edge.domain();
            first.httpEndpoint().url(url).listen().await(20, TimeUnit.SECONDS);
            long closing = System.nanoTime();
            first.close().await(20, TimeUnit.SECONDS);
            EndpointListener again = second.httpEndpoint().url(url).listen().await(20, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - closing);
            assertTrue(again.publicUrl().startsWith(url), again.publicUrl());
            assertTrue(took.compareTo(REBIND_BOUND) < 0, "the name was bound again " + took.toMillis() + " ms after close()");
        } finally {
            second.close().await(20, TimeUnit.SECONDS);
        }
    }

    /** {@code n} bytes of the deterministic sequence from {@code offset}. */
    private static byte[] bytes(long offset, int n) {
        byte[] all = new byte[n];
        for (int done = 0; done < n; done += DeterministicBytes.MAX_CHUNK) {
            int length = Math.min(DeterministicBytes.MAX_CHUNK, n - done);
            System.arraycopy(DeterministicBytes.slice(offset + done, length), 0, all, done, length);
        }
        return all;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
