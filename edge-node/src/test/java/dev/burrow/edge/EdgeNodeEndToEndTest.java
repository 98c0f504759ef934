package dev.burrow.edge;

import dev.burrow.edge.config.EdgeConfig;
import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.registry.HazelcastEndpointRegistry;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real edge node, a fake agent over a real TLS link, real public clients. */
class EdgeNodeEndToEndTest {
    static final String OTHER_TOKEN = "another-tenant-token-0123456789";

    @TempDir
    Path dataDir;

    private Vertx vertx;
    private EdgeNode edge;
    private HttpClient http;

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @BeforeEach
    void startEdge() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setAddressResolverOptions(new AddressResolverOptions()
                .setHostsValue(Buffer.buffer("127.0.0.1 localhost ws.localhost\n"))));
        EdgeConfig config = EdgeConfig.defaults().withHttpPort(0).withHttpsPort(0).withTunnelPort(0).withOpsPort(0).withBindAddress("127.0.0.1")
                .withDataDir(dataDir).withTcpPorts(new PortRange(42000, 42999)).withAuthtokens(List.of(OTHER_TOKEN))
                .withOfflineGrace(Duration.ofSeconds(30));
        edge = await(EdgeNode.start(vertx, config));
        http = vertx.createHttpClient();
    }

    @AfterEach
    void stop() throws Exception {
        await(edge.close());
        await(vertx.close());
    }

    private FakeAgent agent(String token, String resume) throws Exception {
        return await(FakeAgent.connect(vertx, edge.tunnelPort(), edge.caCertPath(), token, resume));
    }

    /** A response with its body read in the same step (Vert.x does not keep body bytes for a late reader). */
    record Reply(HttpClientResponse response, String body) {
        int statusCode() {
            return response.statusCode();
        }

        String getHeader(String name) {
            return response.getHeader(name);
        }
    }

    private Reply request(HttpMethod method, String host, String uri, Buffer body) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(method).setServer(SocketAddress.inetSocketAddress(edge.httpPort(), "127.0.0.1"))
                .setHost(host).setPort(edge.httpPort()).setURI(uri).putHeader("X-Custom", "kept");
        return await(http.request(options).compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body().map(bytes -> new Reply(response, bytes.toString()))));
    }

    private static String body(Reply reply) {
        return reply.body();
    }

    @Test
    void wrongAuthtokenIsRefusedWithAClearSentence() throws Exception {
        FakeAgent agent = agent("not-the-token", null);
        ControlMessage.AuthResult result = await(agent.authResult());
        assertFalse(result.ok());
        assertEquals(ErrorCode.AUTH_FAILED, result.errorCode());
        assertEquals("the authtoken was not accepted by this edge; check --authtoken", result.message());
        await(agent.closed());
    }

    @Test
    void httpRequestsTravelThroughTheTunnelWithForwardingHeaders() throws Exception {
        FakeAgent agent = agent(edge.devAuthtoken(), null).onStream(AgentResponders::echo);
        assertTrue(await(agent.authResult()).ok());
        ControlMessage.BindResult bind = await(agent.bindHttp(null, "App"));
        assertTrue(bind.ok(), bind.message());
        assertEquals("http://app.localhost:" + edge.httpPort(), bind.publicUrl());

        Reply get = request(HttpMethod.GET, "APP.localhost.", "/hello?x=1", null);
        assertEquals(200, get.statusCode());
        assertEquals("GET", get.getHeader("X-Echo-Method"));
        assertEquals("/hello?x=1", get.getHeader("X-Echo-Uri"));
        assertEquals("127.0.0.1", get.getHeader("X-Echo-X-Forwarded-For"));
        assertEquals("http", get.getHeader("X-Echo-X-Forwarded-Proto"));
        assertEquals("APP.localhost.:" + edge.httpPort(), get.getHeader("X-Echo-X-Forwarded-Host"));
        assertEquals("kept", get.getHeader("X-Echo-X-Custom"));
        assertEquals("<none>", get.getHeader("X-Echo-Connection"), "hop-by-hop headers are not forwarded");
        assertEquals(bind.endpointId(), get.getHeader("X-Echo-Endpoint"));
        assertEquals("", body(get));

        Reply post = request(HttpMethod.POST, "app.localhost", "/upload", Buffer.buffer("ping body"));
        assertEquals(200, post.statusCode());
        assertEquals("ping body", body(post));
    }

    @Test
    void unknownHostIs404NamingTheHost() throws Exception {
        Reply response = request(HttpMethod.GET, "nobody.localhost", "/", null);
        assertEquals(404, response.statusCode());
        assertTrue(response.getHeader("Content-Type").startsWith("text/html"));
        assertTrue(body(response).contains("Tunnel nobody.localhost not found"));
    }

    @Test
    void unreachableUpstreamIs502NamingTheUpstream() throws Exception {
        FakeAgent agent = agent(edge.devAuthtoken(), null).onStream(AgentResponders::unreachable);
        await(agent.authResult());
        assertTrue(await(agent.bindHttp("down.localhost", null)).ok());
        Reply response = request(HttpMethod.GET, "down.localhost", "/", null);
        assertEquals(502, response.statusCode());
        assertTrue(body(response).contains("connection refused by upstream 127.0.0.1:3000"));
    }

    @Test
    void hostnameOfAnotherSessionIsRefused() throws Exception {
        FakeAgent first = agent(edge.devAuthtoken(), null);
        await(first.authResult());
        assertTrue(await(first.bindHttp("taken.localhost", null)).ok());
        FakeAgent second = agent(OTHER_TOKEN, null);
        assertTrue(await(second.authResult()).ok());
        ControlMessage.BindResult refused = await(second.bindHttp("Taken.localhost", null));
        assertFalse(refused.ok());
        assertEquals(ErrorCode.HOSTNAME_IN_USE, refused.errorCode());
        assertEquals("hostname taken.localhost is already bound by another agent session", refused.message());

        ControlMessage.BindResult invalid = await(second.bindHttp("app.example.com", null));
        assertEquals(ErrorCode.INVALID_HOSTNAME, invalid.errorCode());
        ControlMessage.BindResult random = await(second.bindHttp(null, null));
        assertTrue(random.publicUrl().matches("http://[a-z0-9]{8}\\.localhost:" + edge.httpPort()), random.publicUrl());
    }

    @Test
    void droppedLinkMakesEndpointOfflineUntilTheAgentResumesAndRebinds() throws Exception {
        FakeAgent first = agent(edge.devAuthtoken(), null).onStream(AgentResponders::echo);
        String sessionId = await(first.authResult()).sessionId();
        String url = await(first.bindHttp("back.localhost", null)).publicUrl();
        await(first.close());
        waitUntil(() -> edge.liveSessionCount() == 0);

        Reply offline = request(HttpMethod.GET, "back.localhost", "/", null);
        assertEquals(502, offline.statusCode());
        assertTrue(body(offline).contains("the agent for back.localhost is offline"));

        FakeAgent stranger = agent(OTHER_TOKEN, null);
        await(stranger.authResult());
        assertEquals(ErrorCode.HOSTNAME_IN_USE, await(stranger.bindHttp("back.localhost", null)).errorCode(),
                "an offline endpoint stays reserved for its own token");

        FakeAgent second = agent(edge.devAuthtoken(), sessionId).onStream(AgentResponders::echo);
        assertEquals(sessionId, await(second.authResult()).sessionId(), "session resumed");
        ControlMessage.BindResult again = await(second.bindHttp("back.localhost", null));
        assertTrue(again.ok(), again.message());
        assertEquals(url, again.publicUrl());
        assertEquals(200, request(HttpMethod.GET, "back.localhost", "/", null).statusCode());
    }

    @Test
    void resumingSessionClosesTheStaleLink() throws Exception {
        FakeAgent first = agent(edge.devAuthtoken(), null);
        String sessionId = await(first.authResult()).sessionId();
        FakeAgent second = agent(edge.devAuthtoken(), sessionId);
        assertEquals(sessionId, await(second.authResult()).sessionId());
        assertEquals(ErrorCode.GOING_AWAY, await(first.closed()).code());
    }

    @Test
    void tcpEndpointEchoesWithHalfCloseBothWays() throws Exception {
        FakeAgent agent = agent(edge.devAuthtoken(), null).onStream(AgentResponders::tcpEcho);
        await(agent.authResult());
        ControlMessage.BindResult bind = await(agent.bindTcp(0));
        assertTrue(bind.ok(), bind.message());
        int port = Integer.parseInt(bind.publicUrl().substring(bind.publicUrl().lastIndexOf(':') + 1));
        assertTrue(new PortRange(42000, 42999).contains(port));
        assertEquals("tcp://localhost:" + port, bind.publicUrl());

        byte[] sent = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(sent);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(sent);
                    out.flush();
                    socket.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[65536];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                received.write(chunk, 0, n);
            }
            writer.join();
            assertArrayEquals(sent, received.toByteArray(), "all bytes came back after our FIN, then EOF");
        }

        ControlMessage.BindResult outside = await(agent.bindTcp(80));
        assertEquals(ErrorCode.PORT_UNAVAILABLE, outside.errorCode());
        agent.send(new ControlMessage.Unbind(bind.endpointId()));
        waitUntil(() -> edge.tcpListenerCount() == 0);
    }

    @Test
    void webSocketUpgradeWorksEndToEnd() throws Exception {
        HttpServer upstream = await(vertx.createHttpServer()
                .webSocketHandler(ws -> ws.textMessageHandler(text -> ws.writeTextMessage("echo:" + text)))
                .listen(0, "127.0.0.1"));
        FakeAgent agent = agent(edge.devAuthtoken(), null)
                .onStream(stream -> AgentResponders.upgradeTo(vertx, upstream.actualPort(), stream));
        await(agent.authResult());
        assertTrue(await(agent.bindHttp("ws.localhost", null)).ok());

        var ws = await(vertx.createWebSocketClient().connect(new WebSocketConnectOptions()
                .setServer(SocketAddress.inetSocketAddress(edge.httpPort(), "127.0.0.1"))
                .setHost("ws.localhost").setPort(edge.httpPort()).setURI("/chat")));
        io.vertx.core.Promise<String> reply = io.vertx.core.Promise.promise();
        ws.textMessageHandler(reply::tryComplete);
        ws.writeTextMessage("hello");
        assertEquals("echo:hello", await(reply.future()));
        await(ws.close());
    }

    @Test
    void largeBodyStreamsBothWaysIntact() throws Exception {
        FakeAgent agent = agent(edge.devAuthtoken(), null).onStream(AgentResponders::echo);
        await(agent.authResult());
        assertTrue(await(agent.bindHttp("big.localhost", null)).ok());
        Path file = dataDir.resolve("big.bin");
        byte[] block = new byte[1024 * 1024];
        new Random(11).nextBytes(block);
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 64; i++) {
                out.write(block);
                expected.update(block);
            }
        }
        AsyncFile body = await(vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true)));
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(edge.httpPort(), "127.0.0.1")).setHost("big.localhost")
                .setPort(edge.httpPort()).setURI("/echo").putHeader("Content-Length", Long.toString(64L * block.length));
        MessageDigest actual = MessageDigest.getInstance("SHA-256");
        long[] count = new long[1];
        long started = System.nanoTime();
        await(http.request(options).compose(request -> request.send(body)).compose(response -> {
            io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
            response.handler(data -> {
                actual.update(data.getBytes());
                count[0] += data.length();
            });
            response.endHandler(v -> done.complete());
            response.exceptionHandler(done::tryFail);
            return done.future();
        }));
        System.out.printf("64 MiB echoed through the tunnel in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertEquals(64L * block.length, count[0]);
        assertArrayEquals(expected.digest(), actual.digest());
    }

    @Test
    void offlineGraceEndRemovesEndpointsAndClosesTcpPorts() throws Exception {
        await(edge.close());
        edge = await(EdgeNode.start(vertx, edge.config().withOfflineGrace(Duration.ofMillis(200))));
        FakeAgent agent = agent(edge.devAuthtoken(), null);
        await(agent.authResult());
        assertTrue(await(agent.bindTcp(0)).ok());
        assertTrue(await(agent.bindHttp("gone.localhost", null)).ok());
        assertEquals(1, edge.tcpListenerCount());
        await(agent.close());
        waitUntil(() -> edge.tcpListenerCount() == 0);
        waitUntil(() -> {
            try {
                return await(edge.registry().list()).isEmpty();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        // Not found as soon as the map is empty, even while this node's copy has not yet heard of the removal.
        Reply gone = request(HttpMethod.GET, "gone.localhost", "/", null);
        assertEquals(404, gone.statusCode());
        assertTrue(body(gone).contains("Tunnel gone.localhost not found"));
    }

    @Test
    void aRemovedNameIsNotFoundWhileThisNodesCopyStillShowsIt() throws Exception {
        FakeAgent agent = agent(edge.devAuthtoken(), null);
        await(agent.authResult());
        assertTrue(await(agent.bindHttp("lagging.localhost", null)).ok());
        await(agent.close());
        waitUntil(() -> edge.liveSessionCount() == 0);
        assertEquals(502, request(HttpMethod.GET, "lagging.localhost", "/", null).statusCode(), "offline within its grace");

        // The removal's entry event is what this node's copy follows; clear() sends none, so the copy keeps the record
        // as a copy does until a removal's event arrives (seconds, on a loaded machine).
        edge.hazelcast().getMap(HazelcastEndpointRegistry.ENDPOINTS_MAP).clear();
        assertNotNull(await(edge.registry().lookupHostname("lagging.localhost")), "this node's copy still shows the name");

        long started = System.nanoTime();
        Reply removed = request(HttpMethod.GET, "lagging.localhost", "/", null);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(404, removed.statusCode());
        assertTrue(body(removed).contains("Tunnel lagging.localhost not found"));
        System.out.printf("removed name: 404 in %d ms while the copy still showed it%n", tookMillis);
    }

    @Test
    void clientThatGoesAwayCancelsTheStream() throws Exception {
        io.vertx.core.Promise<dev.burrow.mux.StreamResetException> reset = io.vertx.core.Promise.promise();
        FakeAgent agent = agent(edge.devAuthtoken(), null).onStream(stream -> {
            stream.handler(data -> { });
            stream.exceptionHandler(error -> reset.tryComplete((dev.burrow.mux.StreamResetException) error));
        });
        await(agent.authResult());
        assertTrue(await(agent.bindHttp("slow.localhost", null)).ok());
        try (Socket socket = new Socket("127.0.0.1", edge.httpPort())) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: slow.localhost\r\n\r\n".getBytes());
            socket.getOutputStream().flush();
            waitUntil(() -> agent.mux().openStreamCount() == 1);
        }
        assertEquals(ErrorCode.STREAM_CANCELLED, await(reset.future()).code());
        waitUntil(() -> agent.mux().openStreamCount() == 0);
    }

    @Test
    void garbageOnOneLinkClosesThatLinkOnly() throws Exception {
        FakeAgent good = agent(edge.devAuthtoken(), null).onStream(AgentResponders::echo);
        await(good.authResult());
        assertTrue(await(good.bindHttp("steady.localhost", null)).ok());

        io.vertx.core.net.NetSocket raw = await(vertx.createNetClient(new io.vertx.core.net.NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
                        .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(edge.caCertPath().toString())))
                .connect(edge.tunnelPort(), "localhost"));
        io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
        raw.closeHandler(v -> closed.tryComplete());
        raw.write(Buffer.buffer("GET / HTTP/1.1\r\nHost: not-a-burrow-peer\r\n\r\n"));
        await(closed.future());

        assertEquals(200, request(HttpMethod.GET, "steady.localhost", "/", null).statusCode());
        assertEquals(1, edge.liveSessionCount());
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
