package dev.burrow.inspect;

import dev.burrow.testsupport.AgentApi;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.DeterministicBytes;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.Upstream;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inspector through a real edge and a real agent started with {@code burrow start --all} from a config file
 * with two endpoints: capture (bounded), the ngrok-shaped API, the live event stream, replay and replay with
 * changes to the upstream, clearing.
 */
@ExtendWith(ProcessLogsOnFailure.class)
class InspectorE2ETest {
    private static final int BODY_LIMIT = 1024;

    @TempDir
    static Path dir;
    private static Vertx vertx;
    private static Upstream upstream;
    private static EdgeProcess edge;
    private static AgentProcess agent;
    private static PublicHttpClient client;
    private static String webHost;
    private static String apiHost;

    @BeforeAll
    static void startAll() throws Exception {
        vertx = Vertx.vertx();
        upstream = Upstream.start(vertx);
        edge = EdgeProcess.builder().name("edge-inspect").start();
        Path config = Files.writeString(dir.resolve("burrow.yml"), """
                version: 1
                agent:
                  inspect_buffer_size: 20
                  inspect_body_bytes: %d
                endpoints:
                  - name: web
                    url: inspect-web.%s
                    upstream: {url: "http://%s", protocol: http1}
                  - name: api
                    url: inspect-api.%s
                    upstream: %s
                  - name: quiet
                    url: inspect-quiet.%s
                    upstream: %s
                    inspect: false
                """.formatted(BODY_LIMIT, edge.domain(), upstream.httpAddress(), edge.domain(), upstream.httpAddress(),
                edge.domain(), upstream.httpAddress()));
        agent = AgentProcess.startAll(edge).name("agent-inspect").arg("--config", config.toString()).start();
        client = new PublicHttpClient(vertx, edge.httpPort(), 16);
        webHost = "inspect-web." + edge.domain();
        apiHost = "inspect-api." + edge.domain();
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(client, agent, edge, upstream, Closeables.of(vertx));
    }

    @BeforeEach
    void clear() {
        assertEquals(204, AgentApi.call(agent, "DELETE", "/api/requests/http", null).statusCode());
    }

    @Test
    void startRunsEveryConfiguredEndpointUnderItsName() {
        JsonArray tunnels = AgentApi.tunnels(agent);
        assertEquals(3, tunnels.size(), tunnels.encodePrettily());
        assertEquals("web", tunnels.getJsonObject(0).getString("name"));
        assertEquals(edge.publicHttpUrl("inspect-web"), tunnels.getJsonObject(0).getString("public_url"));
        assertEquals("api", tunnels.getJsonObject(1).getString("name"));
        assertTrue(tunnels.getJsonObject(1).getJsonObject("config").getBoolean("inspect"));
        assertEquals("quiet", tunnels.getJsonObject(2).getString("name"));
        assertFalse(tunnels.getJsonObject(2).getJsonObject("config").getBoolean("inspect"));
        // An endpoint with inspect: false forwards but is not captured.
        assertEquals(200, client.get("inspect-quiet." + edge.domain(), "/echo?quiet=1").status());
        client.get(webHost, "/echo?after-quiet=1");
        JsonObject only = awaitOne(null);
        assertEquals("/echo?after-quiet=1", only.getJsonObject("request").getString("uri"));
        assertEquals(200, AgentApi.call(agent, "GET", "/api/tunnels/api", null).statusCode());
    }

    @Test
    void anExchangeIsCapturedWithHeadersAndBodies() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json").add("X-Request-Id", "cap-1");
        PublicHttpClient.Response resp = client.post(webHost, "/echo?x=1", headers, Buffer.buffer("{\"hello\":\"world\"}"));
        assertEquals(200, resp.status());

        JsonObject listed = awaitOne("tunnel_name=web");
        // Lists carry ngrok's raw message but not the bodies a second time; one exchange has everything.
        assertTrue(listed.getJsonObject("request").containsKey("raw"));
        assertFalse(listed.getJsonObject("request").getJsonObject("body").containsKey("base64"));
        JsonObject exchange = detail(listed.getString("id"));
        assertEquals("web", exchange.getString("tunnel_name"));
        assertEquals("POST", exchange.getJsonObject("request").getString("method"));
        assertEquals("/echo?x=1", exchange.getJsonObject("request").getString("uri"));
        assertEquals("cap-1", exchange.getJsonObject("request").getJsonObject("headers").getJsonArray("X-Request-Id").getString(0));
        assertEquals("{\"hello\":\"world\"}", text(exchange.getJsonObject("request").getJsonObject("body")));
        JsonObject response = exchange.getJsonObject("response");
        assertEquals(200, response.getInteger("status_code"));
        assertEquals("200 OK", response.getString("status"));
        assertEquals("burrow-e2e", response.getJsonObject("headers").getJsonArray("X-Upstream").getString(0));
        assertEquals("{\"hello\":\"world\"}", text(response.getJsonObject("body")));
        assertTrue(exchange.getLong("duration") > 0);
        String raw = new String(Base64.getDecoder().decode(exchange.getJsonObject("request").getString("raw")), StandardCharsets.UTF_8);
        assertTrue(raw.startsWith("POST /echo?x=1 HTTP/1.1\r\n"), raw);

        HttpResponse<String> one = AgentApi.call(agent, "GET", "/api/requests/http/" + exchange.getString("id"), null);
        assertEquals(200, one.statusCode());
        assertEquals(exchange.getString("id"), new JsonObject(one.body()).getString("id"));
        assertEquals(404, AgentApi.call(agent, "GET", "/api/requests/http/nope", null).statusCode());

        // Per endpoint, newest first, limited.
        client.get(apiHost, "/echo?n=2");
        client.get(apiHost, "/echo?n=3");
        Await.until(() -> AgentApi.requests(agent, null).size() == 3, Duration.ofSeconds(10), Duration.ofMillis(20), () -> "3 exchanges");
        JsonArray api = AgentApi.requests(agent, "tunnel_name=api");
        assertEquals(2, api.size());
        assertEquals("/echo?n=3", api.getJsonObject(0).getJsonObject("request").getString("uri"));
        assertEquals(1, AgentApi.requests(agent, "limit=1").size());
    }

    @Test
    void bigBodiesStreamWhileOnlyTheFirstBytesAreKept() {
        long size = 24L * 1024 * 1024;
        PublicHttpClient.Response upload = Await.result(client.upload(webHost, "/upload", size), Duration.ofSeconds(60), "upload");
        JsonObject verdict = new JsonObject(upload.bodyText());
        assertEquals(size, verdict.getLong("bytes"));
        assertEquals(-1, verdict.getLong("firstMismatch"));
        PublicHttpClient.Download download = Await.result(client.download(webHost, "/bytes?n=" + size), Duration.ofSeconds(60), "download");
        assertEquals(size, download.verifier().count());
        assertEquals(-1, download.verifier().firstMismatch());

        Await.until(() -> AgentApi.requests(agent, null).size() == 2, Duration.ofSeconds(10), Duration.ofMillis(20), () -> "2 exchanges");
        JsonArray captured = AgentApi.requests(agent, null);
        JsonObject up = captured.getJsonObject(1).getJsonObject("request").getJsonObject("body");
        assertEquals(size, up.getLong("size"));
        assertEquals(BODY_LIMIT, up.getInteger("captured"));
        assertTrue(up.getBoolean("truncated"));
        JsonObject down = captured.getJsonObject(0).getJsonObject("response").getJsonObject("body");
        assertEquals(size, down.getLong("size"));
        assertEquals(BODY_LIMIT, down.getInteger("captured"));
        byte[] first = Base64.getDecoder().decode(detail(captured.getJsonObject(0).getString("id"))
                .getJsonObject("response").getJsonObject("body").getString("base64"));
        assertEquals(Buffer.buffer(DeterministicBytes.slice(0, BODY_LIMIT)), Buffer.buffer(first));

        // A cut body cannot be replayed as it was.
        HttpResponse<String> refused = AgentApi.call(agent, "POST", "/api/requests/http",
                new JsonObject().put("id", captured.getJsonObject(1).getString("id")).encode());
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("was cut at 1024 of 25165824 bytes"), refused.body());
    }

    @Test
    void replayAndReplayWithChangesReachTheUpstreamAndAreCaptured() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/plain").add("X-Request-Id", "orig-1");
        client.post(webHost, "/echo", headers, Buffer.buffer("original body"));
        String id = awaitOne(null).getString("id");

        HttpResponse<String> replay = AgentApi.call(agent, "POST", "/api/requests/http", new JsonObject().put("id", id).encode());
        assertEquals(204, replay.statusCode(), replay.body());
        Await.until(() -> upstream.requests().stream().filter(r -> "orig-1".equals(r.header("X-Request-Id"))).count() == 2,
                Duration.ofSeconds(10), Duration.ofMillis(20), () -> "the upstream did not get the replay");
        Await.until(() -> AgentApi.requests(agent, null).size() == 2, Duration.ofSeconds(10), Duration.ofMillis(20), () -> "replay captured");
        JsonObject replayed = detail(AgentApi.requests(agent, null).getJsonObject(0).getString("id"));
        assertEquals(id, replayed.getString("replay_of"));
        assertEquals("original body", text(replayed.getJsonObject("response").getJsonObject("body")));

        JsonObject change = new JsonObject().put("id", id).put("method", "PUT").put("uri", "/echo?status=201")
                .put("headers", new JsonObject().put("X-Request-Id", "changed-1").put("Content-Type", "text/plain"))
                .put("body", "changed body");
        assertEquals(204, AgentApi.call(agent, "POST", "/api/requests/http", change.encode()).statusCode());
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> "changed-1".equals(r.header("X-Request-Id")), Duration.ofSeconds(10));
        assertEquals("PUT", seen.method());
        assertEquals("/echo?status=201", seen.uri());
        assertEquals("changed body", new String(seen.body(), StandardCharsets.UTF_8));
        Await.until(() -> AgentApi.requests(agent, null).size() == 3, Duration.ofSeconds(10), Duration.ofMillis(20), () -> "changed replay captured");
        JsonObject changed = AgentApi.requests(agent, null).getJsonObject(0);
        assertEquals(201, changed.getJsonObject("response").getInteger("status_code"));
        assertEquals("PUT", changed.getJsonObject("request").getString("method"));

        assertEquals(404, AgentApi.call(agent, "POST", "/api/requests/http", "{\"id\":\"gone\"}").statusCode());
        assertEquals(400, AgentApi.call(agent, "POST", "/api/requests/http", "not json").statusCode());
        assertEquals(415, foreignPost(new JsonObject().put("id", id).encode(), "text/plain", null));
        assertEquals(403, foreignPost(new JsonObject().put("id", id).encode(), "application/json", "http://evil.example"));
        assertEquals(204, AgentApi.call(agent, "DELETE", "/api/requests/http", null).statusCode());
        assertEquals(0, AgentApi.requests(agent, null).size());
    }

    @Test
    void theEventStreamAnnouncesEachExchangeAsItHappens() throws Exception {
        URI web = URI.create(agent.webUrl());
        try (Socket socket = new Socket(web.getHost(), web.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/requests/http/events HTTP/1.1\r\nHost: " + web.getAuthority() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            boolean eventStream = false;
            while ((line = in.readLine()) != null && !line.contains(": burrow inspector")) {
                eventStream |= line.equalsIgnoreCase("content-type: text/event-stream");
            }
            assertTrue(eventStream, "not an event stream");
            client.get(webHost, "/echo?live=1");
            String data = null;
            boolean sawEvent = false;
            while ((line = in.readLine()) != null) {
                sawEvent |= line.equals("event: exchange");
                if (sawEvent && line.startsWith("data: ")) {
                    data = line.substring("data: ".length());
                    break;
                }
            }
            JsonObject exchange = new JsonObject(data);
            assertEquals("/echo?live=1", exchange.getJsonObject("request").getString("uri"));
        }
    }

    @Test
    void theUiIsServedFromTheJarAndForeignHostsAreRefused() throws Exception {
        HttpResponse<String> page = AgentApi.call(agent, "GET", "/inspect/http", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Burrow inspector</title>"), page.body());
        assertEquals(200, AgentApi.call(agent, "GET", "/inspect/app.js", null).statusCode());
        URI web = URI.create(agent.webUrl());
        try (Socket socket = new Socket(web.getHost(), web.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/requests/http HTTP/1.1\r\nHost: evil.example:" + web.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 403 Forbidden", status);
        }
    }

    /** A POST as a page of another site could send it (raw, to choose Content-Type and Origin); the status. */
    private static int foreignPost(String body, String contentType, String origin) {
        URI web = URI.create(agent.webUrl());
        try (Socket socket = new Socket(web.getHost(), web.getPort())) {
            socket.setSoTimeout(10_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("POST /api/requests/http HTTP/1.1\r\nHost: " + web.getAuthority()
                    + "\r\nContent-Type: " + contentType + (origin == null ? "" : "\r\nOrigin: " + origin)
                    + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonObject detail(String id) {
        HttpResponse<String> one = AgentApi.call(agent, "GET", "/api/requests/http/" + id, null);
        assertEquals(200, one.statusCode(), one.body());
        return new JsonObject(one.body());
    }

    private static JsonObject awaitOne(String query) {
        JsonArray[] found = new JsonArray[1];
        Await.until(() -> (found[0] = AgentApi.requests(agent, query)).size() == 1, Duration.ofSeconds(10), Duration.ofMillis(20),
                () -> "expected one captured exchange, got " + (found[0] == null ? null : found[0].encodePrettily()));
        return found[0].getJsonObject(0);
    }

    private static String text(JsonObject body) {
        assertFalse(body.getBoolean("truncated"));
        return new String(Base64.getDecoder().decode(body.getString("base64")), StandardCharsets.UTF_8);
    }
}
