package dev.burrow.edge;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.burrow.edge.config.EdgeConfig;
import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.config.TenancySettings;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.VisitorIdentity;
import dev.burrow.protocol.EndpointSettings;
import dev.burrow.protocol.HttpRequestHead;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.burrow.edge.EdgeNodeEndToEndTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The identity headers over a real edge and agent link: whatever a visitor sends under {@code Burrow-Auth-*} (any
 * case, with underscores) never reaches the agent, with or without a verified identity; with one, the agent receives
 * exactly the edge's headers, and the assertion verifies with the key set the endpoint itself serves.
 */
class IdentityHeadersChainTest {
    private static final String SPOOFED = "Burrow-Auth-User-Email: admin@evil.example\r\n"
            + "burrow-auth-assertion: eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.\r\n"
            + "BURROW-AUTH-USER-ID: root\r\n"
            + "Burrow_Auth_User_Name: Mallory\r\n"
            + "Burrow-Auth-Provider: jwt\r\n"
            + "Burrow-Auth-Something-New: 1\r\n"
            + "Burrow-Authority: kept\r\n"
            + "X-Keep: yes\r\n";

    @TempDir
    static Path dataDir;

    private static Vertx vertx;
    private static EdgeNode edge;
    private static final LinkedBlockingQueue<HttpRequestHead> received = new LinkedBlockingQueue<>();
    private static final AtomicInteger streams = new AtomicInteger();

    @BeforeAll
    static void startEdgeAndAgent() throws Exception {
        vertx = Vertx.vertx();
        EdgeConfig config = EdgeConfig.defaults().withHttpPort(0).withHttpsPort(0).withTunnelPort(0).withOpsPort(0).withBindAddress("127.0.0.1")
                .withDataDir(dataDir).withTcpPorts(new PortRange(43000, 43999)).withOfflineGrace(Duration.ofSeconds(30));
        // Measured at a load average of 24 on 2 cores: 23 s, and over 30 s (Hazelcast loading the tenancy maps).
        edge = EdgeNode.start(vertx, config, TenancySettings.defaults(), (document, source) -> new ProvingPolicy(document))
                .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        FakeAgent agent = await(FakeAgent.connect(vertx, edge.tunnelPort(), edge.caCertPath(), edge.devAuthtoken(), null))
                .onStream(stream -> {
                    streams.incrementAndGet();
                    received.add(stream.open().requestHead());
                    AgentResponders.echo(stream);
                });
        assertTrue(await(agent.authResult()).ok());
        assertTrue(await(agent.bindHttp(null, "plain")).ok());
        assertTrue(await(agent.bind("http", null, "proven", 0, EndpointSettings.DEFAULTS.withTrafficPolicy("proves alice"))).ok());
        assertTrue(await(agent.bind("http", null, "front", 0,
                EndpointSettings.DEFAULTS.withTrafficPolicy("proves alice, forwards to api.internal"))).ok());
        assertTrue(await(agent.bindHttp("api.internal", null)).ok());
    }

    @BeforeEach
    void forgetEarlierRequests() {
        received.clear();
        streams.set(0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (edge != null) {
            await(edge.close());
        }
        await(vertx.close());
    }

    @Test
    void withoutAnIdentityNoHeaderAVisitorSentUnderTheReservedNamesReachesTheAgent() throws Exception {
        String reply = rawHttp("GET /x HTTP/1.1\r\nHost: plain.localhost\r\n" + SPOOFED + "Connection: close\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
        List<Map.Entry<String, String>> headers = next().headers();
        assertEquals(List.of(), reserved(headers), "nothing under Burrow-Auth- reached the agent: " + headers);
        assertEquals("kept", value(headers, "Burrow-Authority"), "a name that only starts alike is not touched");
        assertEquals("yes", value(headers, "X-Keep"));
    }

    @Test
    void withAnIdentityTheAgentGetsExactlyTheEdgesHeadersAndAnAssertionThatVerifies() throws Exception {
        String reply = rawHttp("GET /x HTTP/1.1\r\nHost: proven.localhost\r\n" + SPOOFED + "Connection: close\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
        List<Map.Entry<String, String>> headers = next().headers();
        List<String> names = reserved(headers).stream().map(Map.Entry::getKey).toList();
        assertEquals(List.of("Burrow-Auth-Assertion", "Burrow-Auth-Provider", "Burrow-Auth-User-Id",
                "Burrow-Auth-User-Email", "Burrow-Auth-User-Name"), names, "each once, the edge's own: " + headers);
        assertEquals("jwt", value(headers, "Burrow-Auth-Provider"));
        assertEquals("alice", value(headers, "Burrow-Auth-User-Id"));
        assertEquals("alice@example.com", value(headers, "Burrow-Auth-User-Email"), "not the policy's nor the visitor's");
        assertEquals("Zo%C3%AB \"Z\" 100%25", value(headers, "Burrow-Auth-User-Name"), "UTF-8 and % percent-encoded");

        String jwks = rawHttp("GET /.well-known/burrow/jwks.json HTTP/1.1\r\nHost: proven.localhost\r\nConnection: close\r\n\r\n");
        assertTrue(jwks.startsWith("HTTP/1.1 200 "), jwks);
        assertTrue(jwks.toLowerCase(Locale.ROOT).contains("\r\ncontent-type: application/json\r\n"), jwks);
        assertEquals(1, streams.get(), "the key set is the edge's answer; it never reached the agent");
        JWKSet keys = JWKSet.parse(jwks.substring(jwks.indexOf("\r\n\r\n") + 4));

        SignedJWT assertion = SignedJWT.parse(value(headers, "Burrow-Auth-Assertion"));
        ECKey key = (ECKey) keys.getKeyByKeyId(assertion.getHeader().getKeyID());
        assertNotNull(key, "signed with a key of the published set");
        assertTrue(assertion.verify(new ECDSAVerifier(key)));
        JWTClaimsSet claims = assertion.getJWTClaimsSet();
        assertEquals("https://localhost", claims.getIssuer());
        assertEquals(List.of("http://proven.localhost:" + edge.httpPort()), claims.getAudience());
        assertEquals("alice", claims.getSubject());
        assertEquals("alice@example.com", claims.getStringClaim("email"));
        assertEquals(Boolean.TRUE, claims.getBooleanClaim("email_verified"), "only a verified email reaches the edge's identity");
        assertEquals("Zoë \"Z\" 100%", claims.getStringClaim("name"));
        assertEquals("jwt", claims.getStringClaim("provider"));
        assertEquals("https://issuer.example/", claims.getStringClaim("idp"));
        long lifetime = claims.getExpirationTime().getTime() - claims.getIssueTime().getTime();
        assertEquals(TimeUnit.MINUTES.toMillis(5), lifetime);
        assertTrue(Math.abs(claims.getIssueTime().toInstant().getEpochSecond() - Instant.now().getEpochSecond()) < 60);
    }

    @Test
    void anExchangeForwardedToAnInternalEndpointCarriesTheIdentityWithThatEndpointAsAudience() throws Exception {
        String reply = rawHttp("GET /x HTTP/1.1\r\nHost: front.localhost\r\n" + SPOOFED + "Connection: close\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
        HttpRequestHead head = next();
        List<Map.Entry<String, String>> headers = head.headers();
        assertEquals(5, reserved(headers).size(), "the edge's own, once each: " + headers);
        assertEquals("alice@example.com", value(headers, "Burrow-Auth-User-Email"));
        JWTClaimsSet claims = SignedJWT.parse(value(headers, "Burrow-Auth-Assertion")).getJWTClaimsSet();
        assertEquals(List.of("https://api.internal"), claims.getAudience(), "the upstream that receives it is api.internal's");
        assertEquals("alice", claims.getSubject());
    }

    private static HttpRequestHead next() throws InterruptedException {
        HttpRequestHead head = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(head, "the agent received the request");
        return head;
    }

    private static List<Map.Entry<String, String>> reserved(List<Map.Entry<String, String>> headers) {
        return headers.stream().filter(h -> h.getKey().toLowerCase(Locale.ROOT).replace('_', '-').startsWith("burrow-auth-"))
                .toList();
    }

    private static String value(List<Map.Entry<String, String>> headers, String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private static String rawHttp(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", edge.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * Proves the visitor is alice, as jwt-validation would, and itself tries to set an identity header; with "forwards"
     * in its document, then hands the exchange to api.internal.
     */
    private static final class ProvingPolicy implements TrafficPolicy {
        private final boolean forwards;

        ProvingPolicy(String document) {
            this.forwards = document.contains("forwards");
        }

        @Override
        public boolean isEmpty() {
            return false;
        }

        @Override
        public Future<Verdict> onTcpConnect(ConnectionFacts connection) {
            return Future.succeededFuture(Verdict.PROCEED);
        }

        @Override
        public PolicyExchange newExchange(ConnectionFacts connection, PolicyRequest request) {
            return new PolicyExchange() {
                @Override
                public Future<Verdict> onRequest() {
                    request.addHeader("Burrow-Auth-User-Email", "policy@example.com");
                    return Future.succeededFuture(forwards ? new Verdict.ForwardInternal("https://api.internal", "forward-internal")
                            : Verdict.PROCEED);
                }

                @Override
                public VisitorIdentity visitorIdentity() {
                    return new VisitorIdentity("jwt", "alice", "alice@example.com", "Zoë \"Z\" 100%", "https://issuer.example/");
                }
            };
        }
    }
}
