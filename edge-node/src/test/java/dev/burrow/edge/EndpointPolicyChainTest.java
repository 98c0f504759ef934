package dev.burrow.edge;

import dev.burrow.edge.config.EdgeConfig;
import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.config.TenancySettings;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.PolicyResponse;
import dev.burrow.policy.ResponseBodyEncoder;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.policy.TrailEntry;
import dev.burrow.policy.Verdict;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.EndpointSettings;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpRequestHead;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.burrow.edge.EdgeNodeEndToEndTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The endpoint's traffic policy as one module of the edge's chains, driven by a policy written here (the engine is
 * built elsewhere): its verdicts and edits are what a real client and the agent see, over a real edge and TLS link.
 */
class EndpointPolicyChainTest {
    @TempDir
    Path dataDir;

    private Vertx vertx;
    private EdgeNode edge;
    private final AtomicInteger compiles = new AtomicInteger();

    @BeforeEach
    void startEdge() throws Exception {
        vertx = Vertx.vertx();
        EdgeConfig config = EdgeConfig.defaults().withHttpPort(0).withHttpsPort(0).withTunnelPort(0).withOpsPort(0).withBindAddress("127.0.0.1")
                .withDataDir(dataDir).withTcpPorts(new PortRange(43000, 43999)).withOfflineGrace(Duration.ofSeconds(30));
        edge = await(EdgeNode.start(vertx, config, TenancySettings.defaults(), this::compile));
    }

    @AfterEach
    void stop() throws Exception {
        await(edge.close());
        await(vertx.close());
    }

    /** The documents this test's "compiler" knows, by name. */
    private TrafficPolicy compile(String document, String source) throws PolicyException {
        compiles.incrementAndGet();
        return switch (document) {
            case "deny" -> new FakePolicy() {
                @Override
                public Future<Verdict> onRequest() {
                    return Future.succeededFuture(new Verdict.Respond(418, List.of(Map.entry("X-Policy", "denied")),
                            "no tea here\n".getBytes(StandardCharsets.UTF_8), "custom-response"));
                }
            };
            case "edit" -> new FakePolicy() {
                @Override
                public Future<Verdict> onRequest() {
                    request.setPath("/rewritten");
                    request.addHeader("X-Added", "by-policy");
                    request.removeHeader("X-Custom");
                    // Decided later, off the event loop: the chain must wait for it.
                    return Future.fromCompletionStage(java.util.concurrent.CompletableFuture.supplyAsync(() -> Verdict.PROCEED));
                }

                @Override
                public Verdict onResponse(PolicyResponse response) {
                    response.setStatus(201);
                    response.addHeader("X-Response-Policy", "edited");
                    response.removeHeader("X-Upstream-Secret");
                    return Verdict.PROCEED;
                }
            };
            case "shout" -> new FakePolicy() {
                @Override
                public ResponseBodyEncoder responseBodyEncoder() {
                    return new ResponseBodyEncoder() {
                        @Override
                        public Buffer encode(Buffer chunk) {
                            return Buffer.buffer(chunk.toString(StandardCharsets.UTF_8).toUpperCase(Locale.ROOT));
                        }

                        @Override
                        public Buffer finish() {
                            return Buffer.buffer("|END");
                        }
                    };
                }
            };
            case "close" -> new FakePolicy() {
                @Override
                public Future<Verdict> onTcpConnect(ConnectionFacts connection) {
                    return Future.succeededFuture(new Verdict.Close("close-connection", "policy says no"));
                }
            };
            default -> throw new PolicyException(source, 3, 7, "unknown action type 'teleport'; use one of deny, ...");
        };
    }

    @Test
    void aRespondVerdictIsTheClientsAnswerAndNothingReachesTheAgent() throws Exception {
        AtomicInteger streams = new AtomicInteger();
        FakeAgent agent = agentWith(stream -> {
            streams.incrementAndGet();
            AgentResponders.echo(stream);
        });
        assertTrue(await(agent.bind("http", null, "denied", 0, policy("deny"))).ok());

        String reply = rawHttp("GET / HTTP/1.1\r\nHost: denied.localhost\r\nConnection: close\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 418 "), reply);
        assertTrue(reply.contains("\r\nX-Policy: denied\r\n"), reply);
        assertTrue(reply.endsWith("\r\n\r\nno tea here\n"), reply);
        assertEquals(0, streams.get(), "no stream was opened to the agent");
    }

    @Test
    void requestEditsAreWhatTheAgentReceivesAndResponseEditsWhatTheClientGets() throws Exception {
        AtomicReference<HttpRequestHead> received = new AtomicReference<>();
        FakeAgent agent = agentWith(stream -> {
            received.set(stream.open().requestHead());
            stream.writeHeaders(new dev.burrow.protocol.HttpResponseHead(200, "OK", List.of(
                    AgentResponders.header("Content-Length", "5"), AgentResponders.header("X-Upstream-Secret", "s3cret"))));
            stream.end(Buffer.buffer("hello"));
        });
        assertTrue(await(agent.bind("http", null, "edited", 0, policy("edit"))).ok());

        String reply = rawHttp("GET /original?q=1 HTTP/1.1\r\nHost: edited.localhost\r\nX-Custom: drop-me\r\n"
                + "Connection: close\r\n\r\n");
        HttpRequestHead head = received.get();
        assertEquals("/rewritten?q=1", head.uri(), "the path the policy set, the query kept");
        assertEquals("by-policy", AgentResponders.get(head, "X-Added"));
        assertNull(AgentResponders.get(head, "X-Custom"), "a header the policy removed never reaches the agent");
        assertEquals("127.0.0.1", AgentResponders.get(head, "X-Forwarded-For"), "the operator modules ran first");
        assertNull(AgentResponders.get(head, "Connection"), "hop-by-hop headers were dropped before the policy");

        assertTrue(reply.startsWith("HTTP/1.1 201 "), reply);
        assertTrue(reply.contains("\r\nX-Response-Policy: edited\r\n"), reply);
        assertFalse(reply.contains("s3cret"), reply);
        assertTrue(reply.endsWith("\r\n\r\nhello"), reply);
    }

    @Test
    void aBodyEncoderReencodesTheResponseOnItsWayOut() throws Exception {
        FakeAgent agent = agentWith(stream -> {
            stream.writeHeaders(new dev.burrow.protocol.HttpResponseHead(200, "OK",
                    List.of(AgentResponders.header("Content-Length", "11"))));
            stream.write(Buffer.buffer("hello "));
            stream.end(Buffer.buffer("world"));
        });
        assertTrue(await(agent.bind("http", null, "shout", 0, policy("shout"))).ok());

        String reply = rawHttp("GET / HTTP/1.1\r\nHost: shout.localhost\r\nConnection: close\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
        assertFalse(reply.toLowerCase(Locale.ROOT).contains("content-length"), "the length changed, so it is not sent: " + reply);
        assertEquals("HELLO WORLD|END", dechunk(reply.substring(reply.indexOf("\r\n\r\n") + 4)));
    }

    @Test
    void aCloseVerdictClosesATcpConnectionBeforeAnyStreamOpens() throws Exception {
        AtomicInteger streams = new AtomicInteger();
        FakeAgent agent = agentWith(stream -> {
            streams.incrementAndGet();
            AgentResponders.tcpEcho(stream);
        });
        ControlMessage.BindResult bind = await(agent.bind("tcp", null, null, 0, policy("close")));
        assertTrue(bind.ok(), bind.message());
        int port = Integer.parseInt(bind.publicUrl().substring(bind.publicUrl().lastIndexOf(':') + 1));

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, socket.getInputStream().read(), "closed without a byte");
        }
        assertEquals(0, streams.get(), "no stream was opened to the agent");
    }

    @Test
    void aPolicyThatDoesNotCompileRefusesTheBindWithWhereAndWhat() throws Exception {
        FakeAgent agent = agentWith(AgentResponders::echo);
        ControlMessage.BindResult bind = await(agent.bind("http", null, "broken", 0, policy("teleport everywhere")));
        assertFalse(bind.ok());
        assertEquals(ErrorCode.INVALID_TRAFFIC_POLICY, bind.errorCode());
        assertEquals("traffic_policy:3:7: unknown action type 'teleport'; use one of deny, ...", bind.message());
        String reply = rawHttp("GET / HTTP/1.1\r\nHost: broken.localhost\r\nConnection: close\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 404 "), "nothing was bound: " + reply);
    }

    @Test
    void anEndpointWithoutAPolicyNeverTouchesTheCompiler() throws Exception {
        FakeAgent agent = agentWith(AgentResponders::echo);
        assertTrue(await(agent.bindHttp(null, "plain")).ok());
        for (int i = 0; i < 3; i++) {
            assertTrue(rawHttp("GET / HTTP/1.1\r\nHost: plain.localhost\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 200 "));
        }
        assertEquals(0, compiles.get());
    }

    private static EndpointSettings policy(String document) {
        return EndpointSettings.DEFAULTS.withTrafficPolicy(document);
    }

    private FakeAgent agentWith(io.vertx.core.Handler<dev.burrow.mux.MuxStream> handler) throws Exception {
        FakeAgent agent = await(FakeAgent.connect(vertx, edge.tunnelPort(), edge.caCertPath(), edge.devAuthtoken(), null))
                .onStream(handler);
        assertTrue(await(agent.authResult()).ok());
        return agent;
    }

    private String rawHttp(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", edge.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }

    /** Proceeds in every phase unless a case above says otherwise; holds the exchange's request for edits. */
    private abstract static class FakePolicy implements TrafficPolicy, PolicyExchange {
        PolicyRequest request;

        @Override
        public boolean isEmpty() {
            return false;
        }

        @Override
        public Future<Verdict> onTcpConnect(ConnectionFacts connection) {
            return Future.succeededFuture(Verdict.PROCEED);
        }

        @Override
        public PolicyExchange newExchange(ConnectionFacts connection, PolicyRequest newRequest) {
            this.request = newRequest;
            return this;
        }

        @Override
        public Future<Verdict> onRequest() {
            return Future.succeededFuture(Verdict.PROCEED);
        }

    }
}
