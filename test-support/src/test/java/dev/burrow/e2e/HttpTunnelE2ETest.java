package dev.burrow.e2e;

import dev.burrow.testsupport.AgentApi;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.DeterministicBytes;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.RawHttpClient;
import dev.burrow.testsupport.Upstream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP through one real edge and one real agent (shared by the tests of this class) to an in-test upstream:
 * bodies both ways, headers, keep-alive, chunked framing, concurrency, WebSocket, the agent API (tunnels started and
 * stopped through it too), unknown hosts.
 */
class HttpTunnelE2ETest extends OneEdgeE2ETest {

    private static final String NAME = "e2e-http";

    private static AgentProcess agent;
    private static String host;

    @BeforeAll
    static void startAll() {
        startEdge(EdgeProcess.builder().name("edge-http"), 200);
        agent = AgentProcess.http(edge, upstream.httpAddress()).subdomain(NAME).start();
        host = NAME + "." + edge.domain();
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(agent);
    }

    @Test
    void aTrafficPolicyTheEdgeCannotCompileEndsTheAgentWithTheFilesLineAndWhat(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path policy = java.nio.file.Files.writeString(dir.resolve("policy.yml"),
                "on_http_request:\n  - actions:\n      - type: teleport\n");
        try (AgentProcess refused = AgentProcess.http(edge, upstream.httpAddress()).name("agent-bad-policy")
                .subdomain("bad-policy").arg("--traffic-policy-file", policy.toString()).shortLived().launch()) {
            assertEquals(1, refused.awaitExit(java.time.Duration.ofSeconds(60)), refused.process().tail(30));
            java.util.List<String> errors = refused.errorLines();
            assertEquals(1, errors.size(), "one ERROR: line, got " + errors);
            assertTrue(errors.get(0).startsWith("ERROR: " + policy + ":"), "names the file, then line:col: " + errors.get(0));
        }
        assertEquals(404, client.get("bad-policy." + edge.domain(), "/").status(), "nothing was bound");
    }

    @Test
    void agentPrintsThePublicUrlOfItsSubdomain() {
        assertEquals(edge.publicHttpUrl(NAME), agent.publicUrl());
        assertTrue(agent.upstream().contains(upstream.httpAddress()), agent.upstream());
    }

    @Test
    void getReachesTheUpstreamWithForwardedHeaders() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Request-Id", "get-1").add("Accept", "text/plain");
        PublicHttpClient.Response resp = Await.result(
                client.send(HttpMethod.GET, host, "/echo?q=a%20b&n=1", headers, null), Duration.ofSeconds(20), "GET");

        assertEquals(200, resp.status(), resp.bodyText());
        assertEquals(Upstream.UPSTREAM_HEADER_VALUE, resp.header(Upstream.UPSTREAM_HEADER));
        assertEquals("GET", resp.header("X-Echo-Method"));
        assertEquals("get-1", resp.header("X-Echo-Request-Id"));
        assertEquals(0, resp.body().length());

        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> "get-1".equals(r.header("X-Request-Id")),
                Duration.ofSeconds(5));
        assertEquals("GET", seen.method());
        assertEquals("/echo?q=a%20b&n=1", seen.uri());
        assertEquals("text/plain", seen.header("Accept"));
        assertEquals("127.0.0.1", seen.header("X-Forwarded-For"));
        assertEquals("http", seen.header("X-Forwarded-Proto"));
        assertEquals(edge.hostHeader(NAME), seen.header("X-Forwarded-Host"));
    }

    @Test
    void postBodyArrivesAndResponseCarriesWhatTheUpstreamSent() {
        byte[] body = new byte[100 * 1024 + 7];
        new Random(42).nextBytes(body);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "application/x-burrow-test").add("X-Request-Id", "post-1");
        PublicHttpClient.Response resp = Await.result(
                client.send(HttpMethod.POST, host, "/echo?status=201", headers, Buffer.buffer(body)),
                Duration.ofSeconds(20), "POST");

        assertEquals(201, resp.status(), resp.bodyText());
        assertEquals("application/x-burrow-test", resp.header("Content-Type"));
        assertEquals("POST", resp.header("X-Echo-Method"));
        assertEquals(Upstream.UPSTREAM_HEADER_VALUE, resp.header(Upstream.UPSTREAM_HEADER));
        assertArrayEquals(body, resp.body().getBytes());

        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> "post-1".equals(r.header("X-Request-Id")),
                Duration.ofSeconds(5));
        assertArrayEquals(body, seen.body(), "body as the upstream received it");
        assertEquals("127.0.0.1", seen.header("X-Forwarded-For"));
    }

    @Test
    void upstreamErrorStatusAndBodyPassThroughUnchanged() {
        PublicHttpClient.Response resp = client.get(host, "/no-such-route");
        assertEquals(404, resp.status());
        assertEquals(Upstream.UPSTREAM_HEADER_VALUE, resp.header(Upstream.UPSTREAM_HEADER),
                "the 404 must be the upstream's, not the edge's: " + resp.bodyText());
        assertEquals("upstream: no route /no-such-route\n", resp.bodyText());
    }

    @Test
    void severalRequestsShareOneKeepAliveConnection() {
        try (RawHttpClient raw = RawHttpClient.connect(edge.httpPort())) {
            for (int i = 0; i < 6; i++) {
                byte[] body = ("keep-alive body " + i + " ").repeat(100 + i).getBytes(StandardCharsets.UTF_8);
                RawHttpClient.Response resp = i % 2 == 0
                        ? raw.exchange("POST", "/echo", edge.hostHeader(NAME), Map.of("X-Request-Id", "ka-" + i), body)
                        : raw.exchange("GET", "/echo", edge.hostHeader(NAME), Map.of("X-Request-Id", "ka-" + i), null);
                assertEquals(200, resp.status(), "request " + i + ": " + resp.statusLine() + " " + resp.bodyText());
                assertEquals("ka-" + i, resp.header("X-Echo-Request-Id"));
                assertArrayEquals(i % 2 == 0 ? body : new byte[0], resp.body(), "body of request " + i);
                String connection = resp.header("Connection");
                assertFalse(connection != null && connection.equalsIgnoreCase("close"),
                        "response " + i + " closes the connection: " + resp.headers());
            }
            assertFalse(raw.isClosedByPeer(Duration.ofMillis(200)), "edge closed a keep-alive connection");
        }
    }

    @Test
    void chunkedRequestBodyIsStreamedToTheUpstream() {
        List<byte[]> chunks = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        Random random = new Random(7);
        for (int i = 0; i < 9; i++) {
            byte[] c = new byte[1 + random.nextInt(20_000)];
            random.nextBytes(c);
            chunks.add(c);
            all.writeBytes(c);
        }
        try (RawHttpClient raw = RawHttpClient.connect(edge.httpPort())) {
            raw.sendChunkedRequest("POST", "/echo", edge.hostHeader(NAME), Map.of("X-Request-Id", "chunked-req"), chunks);
            RawHttpClient.Response resp = raw.readResponse();
            assertEquals(200, resp.status(), resp.statusLine());
            assertArrayEquals(all.toByteArray(), resp.body());
            // the same connection still works after a chunked request
            RawHttpClient.Response next = raw.exchange("GET", "/echo", edge.hostHeader(NAME), Map.of(), null);
            assertEquals(200, next.status());
        }
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> "chunked-req".equals(r.header("X-Request-Id")),
                Duration.ofSeconds(5));
        assertArrayEquals(all.toByteArray(), seen.body());
    }

    @Test
    void chunkedResponseBodyReachesTheClientChunked() {
        byte[] body = new byte[50_000];
        new Random(9).nextBytes(body);
        try (RawHttpClient raw = RawHttpClient.connect(edge.httpPort())) {
            RawHttpClient.Response resp = raw.exchange("POST", "/echo?chunked=1&piece=777", edge.hostHeader(NAME),
                    Map.of(), body);
            assertEquals(200, resp.status());
            assertTrue(resp.chunked(), "a response of unknown length should reach the client chunked: " + resp.headers());
            assertNull(resp.header("Content-Length"));
            assertArrayEquals(body, resp.body());

            RawHttpClient.Response streamed = raw.exchange("GET", "/bytes?n=300000&chunked=1", edge.hostHeader(NAME),
                    Map.of(), null);
            assertEquals(200, streamed.status());
            assertTrue(streamed.chunked());
            DeterministicBytes.Verifier v = new DeterministicBytes.Verifier();
            v.update(streamed.body());
            assertEquals(300_000, v.count());
            assertEquals(-1, v.firstMismatch(), v.toString());
        }
    }

    @Test
    void twoHundredConcurrentRequestsEachGetTheirOwnBody() {
        int n = 200;
        List<Future<PublicHttpClient.Response>> futures = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        Random random = new Random(200);
        for (int i = 0; i < n; i++) {
            byte[] tail = new byte[random.nextInt(16 * 1024)];
            random.nextBytes(tail);
            byte[] head = ("request " + i + " of " + n + "\n").getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[head.length + tail.length];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(tail, 0, body, head.length, tail.length);
            bodies.add(body);
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Request-Id", "concurrent-" + i);
            futures.add(client.send(HttpMethod.POST, host, "/echo?i=" + i, headers, Buffer.buffer(body)));
        }
        Await.result(Future.join(futures), Duration.ofSeconds(60), n + " concurrent requests");
        int failed = 0;
        StringBuilder failures = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Future<PublicHttpClient.Response> f = futures.get(i);
            if (f.failed()) {
                failed++;
                failures.append("request ").append(i).append(" failed: ").append(f.cause()).append('\n');
                continue;
            }
            PublicHttpClient.Response resp = f.result();
            if (resp.status() != 200 || !java.util.Arrays.equals(bodies.get(i), resp.body().getBytes())
                    || !("concurrent-" + i).equals(resp.header("X-Echo-Request-Id"))) {
                failed++;
                failures.append("request ").append(i).append(": status ").append(resp.status())
                        .append(", id ").append(resp.header("X-Echo-Request-Id")).append(", ")
                        .append(resp.body().length()).append(" bytes (sent ").append(bodies.get(i).length).append(")\n");
            }
        }
        assertEquals(0, failed, failed + " of " + n + " requests wrong:\n" + failures);
    }

    @Test
    void webSocketEchoesTextAndBinaryMessages() {
        int before = upstream.webSocketCount();
        WebSocket ws = Await.result(client.webSocket(host, "/ws"), Duration.ofSeconds(20), "WebSocket upgrade");
        try {
            List<String> texts = new ArrayList<>();
            List<Buffer> binaries = new ArrayList<>();
            Promise<Void> done = Promise.promise();
            String text = "hello through the tunnel \u2713";
            byte[] binary = new byte[200_000];
            new Random(5).nextBytes(binary);
            ws.textMessageHandler(t -> {
                texts.add(t);
                if (texts.size() == 2 && binaries.size() == 1) {
                    done.tryComplete();
                }
            });
            ws.binaryMessageHandler(b -> {
                binaries.add(b);
                if (texts.size() == 2 && binaries.size() == 1) {
                    done.tryComplete();
                }
            });
            ws.closeHandler(v -> done.tryFail("WebSocket closed before all echoes arrived"));
            ws.writeTextMessage(text);
            ws.writeBinaryMessage(Buffer.buffer(binary));
            ws.writeTextMessage("second");
            Await.result(done.future(), Duration.ofSeconds(20), "WebSocket echoes");
            assertEquals(List.of(text, "second"), texts);
            assertArrayEquals(binary, binaries.get(0).getBytes());
            assertEquals(before + 1, upstream.webSocketCount());
        } finally {
            Await.result(ws.close(), Duration.ofSeconds(10), "WebSocket close");
        }
    }

    @Test
    void agentApiListsTheTunnelWithItsRealPublicUrl() {
        JsonArray tunnels = AgentApi.tunnels(agent);
        assertEquals(1, tunnels.size(), tunnels.encodePrettily());
        JsonObject t = tunnels.getJsonObject(0);
        assertNotNull(t.getString("name"), t.encode());
        assertFalse(t.getString("name").isBlank(), t.encode());
        assertEquals(agent.publicUrl(), t.getString("public_url"));
        assertEquals(edge.publicHttpUrl(NAME), t.getString("public_url"));
        assertEquals("http", t.getString("proto"));
        JsonObject config = t.getJsonObject("config");
        assertNotNull(config, t.encode());
        assertTrue(config.getString("addr", "").contains(Integer.toString(upstream.httpPort())),
                "config.addr should name the upstream: " + t.encode());
    }

    @Test
    void agentApiAnswersHttp2ClientsToo() {
        // the JDK HttpClient's default (and curl --http2) upgrade to h2c; HTTP/2 has :authority, not Host
        HttpResponse<String> resp = AgentApi.getTunnelsResponse(agent, HttpClient.Version.HTTP_2);
        assertEquals(200, resp.statusCode(), "GET /api/tunnels over h2c: " + resp.body());
        assertEquals(agent.publicUrl(),
                new JsonObject(resp.body()).getJsonArray("tunnels").getJsonObject(0).getString("public_url"));
    }

    @Test
    void unknownHostIs404NamingTheHost() {
        String unknown = "nobody-here-" + Long.toHexString(System.nanoTime());
        PublicHttpClient.Response resp = client.get(unknown + "." + edge.domain(), "/");
        assertEquals(404, resp.status(), resp.bodyText());
        assertNull(resp.header(Upstream.UPSTREAM_HEADER));
        assertTrue(resp.bodyText().contains(unknown + "." + edge.domain()),
                "404 page should name the host: " + resp.bodyText());
        assertNotEquals(0, resp.body().length());
    }

    private record Curl(int status, String body) {
    }

    private static Curl curl(String method, String url, String body) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-m", "30", "-X", method, "-w", "\n%{http_code}"));
        if (body != null) {
            command.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
        }
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(40, TimeUnit.SECONDS), "curl did not finish");
        int newline = output.lastIndexOf('\n');
        return new Curl(Integer.parseInt(output.substring(newline + 1).trim()), output.substring(0, newline));
    }

    /** As ngrok's agent API does, driven with curl as a script would; the name is free for another agent right after. */
    @Test
    void agentApiPostStartsATunnelThatServesAndDeleteStopsItAndFreesItsName() throws Exception {
        String api = agent.webUrl() + "/api/tunnels";
        Curl started = curl("POST", api, new JsonObject().put("name", "second").put("proto", "http")
                .put("addr", upstream.httpAddress()).put("subdomain", "api-second").encode());
        assertEquals(201, started.status(), started.body());
        JsonObject tunnel = new JsonObject(started.body());
        assertEquals("second", tunnel.getString("name"));
        assertEquals("http://api-second." + edge.domain() + ":" + edge.httpPort(), tunnel.getString("public_url"));
        assertEquals("/api/tunnels/second", tunnel.getString("uri"));
        PublicHttpClient.Response served = client.get("api-second." + edge.domain(), "/echo");
        assertEquals(200, served.status(), served.bodyText());
        assertEquals(Upstream.UPSTREAM_HEADER_VALUE, served.header(Upstream.UPSTREAM_HEADER));
        assertEquals(2, new JsonObject(curl("GET", api, null).body()).getJsonArray("tunnels").size());

        Curl again = curl("POST", api, new JsonObject().put("name", "second").put("addr", "3000").encode());
        assertEquals(409, again.status(), again.body());
        Curl https = curl("POST", api, new JsonObject().put("name", "third").put("proto", "https").put("addr", "3000").encode());
        assertEquals(400, https.status(), https.body());
        assertTrue(new JsonObject(https.body()).getString("msg").contains("https"), https.body());
        Curl unknown = curl("POST", api, new JsonObject().put("name", "third").put("addr", "3000").put("bind_tls", true).encode());
        assertEquals(400, unknown.status(), unknown.body());
        assertTrue(new JsonObject(unknown.body()).getString("msg").contains("bind_tls"), unknown.body());

        Curl stopped = curl("DELETE", api + "/second", null);
        assertEquals(204, stopped.status(), stopped.body());
        assertEquals("", stopped.body());
        assertEquals(404, curl("DELETE", api + "/second", null).status());
        assertEquals(404, curl("GET", api + "/second", null).status());
        assertEquals(200, client.get(host, "/echo").status(), "the other tunnel keeps serving");

        // ngrok's newer shape of the same: /api/endpoints with name, url and upstream.url.
        String endpoints = agent.webUrl() + "/api/endpoints";
        Curl third = curl("POST", endpoints, new JsonObject().put("name", "third").put("url", "http://api-third." + edge.domain())
                .put("upstream", new JsonObject().put("url", upstream.httpAddress())).encode());
        assertEquals(201, third.status(), third.body());
        assertEquals("http://api-third." + edge.domain() + ":" + edge.httpPort(), new JsonObject(third.body()).getString("url"));
        assertEquals(200, client.get("api-third." + edge.domain(), "/echo").status());
        assertTrue(curl("GET", endpoints, null).body().contains("\"name\":\"third\""));
        assertEquals(204, curl("DELETE", endpoints + "/third", null).status());
        try (AgentProcess other = AgentProcess.http(edge, upstream.httpAddress()).name("agent-takes-the-name")
                .subdomain("api-second").startTimeout(Duration.ofSeconds(60)).start()) {
            assertEquals(200, client.get("api-second." + edge.domain(), "/echo").status());
        }
    }
}
