package dev.burrow.agent.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class AgentApiServerTest {
    private static final List<TunnelInfo> TUNNELS = List.of(
            new TunnelInfo("command_line", "http://demo.localhost:8080", "http", "http://localhost:3000"));

    @Test
    void listsTunnelsInNgrokShape(Vertx vertx, VertxTestContext test) {
        AgentApiServer.start(vertx, "127.0.0.1", 0, () -> TUNNELS).compose(api -> {
            HttpClient client = vertx.createHttpClient();
            return client.request(HttpMethod.GET, api.port(), "127.0.0.1", "/api/tunnels")
                    .compose(request -> request.send())
                    .compose(response -> {
                        assertEquals(200, response.statusCode());
                        assertEquals("application/json", response.getHeader("Content-Type"));
                        return response.body();
                    })
                    .eventually(() -> client.close().compose(v -> api.close()));
        }).onComplete(test.succeeding(body -> test.verify(() -> {
            JsonObject json = body.toJsonObject();
            assertEquals("/api/tunnels", json.getString("uri"));
            JsonArray tunnels = json.getJsonArray("tunnels");
            assertEquals(1, tunnels.size());
            JsonObject tunnel = tunnels.getJsonObject(0);
            assertEquals("command_line", tunnel.getString("name"));
            assertEquals("http://demo.localhost:8080", tunnel.getString("public_url"));
            assertEquals("http", tunnel.getString("proto"));
            assertEquals("http://localhost:3000", tunnel.getJsonObject("config").getString("addr"));
            test.completeNow();
        })));
    }

    @Test
    void statusListsTheLinks(Vertx vertx, VertxTestContext test) {
        AgentStatus status = new AgentStatus("s1", List.of(new dev.burrow.agent.LinkInfo("a:4443", false),
                new dev.burrow.agent.LinkInfo("b:4443", true)));
        AgentApiServer.start(vertx, "127.0.0.1", 0, () -> TUNNELS, () -> status).compose(api -> {
            HttpClient client = vertx.createHttpClient();
            return client.request(HttpMethod.GET, api.port(), "127.0.0.1", "/api/status")
                    .compose(request -> request.send())
                    .compose(response -> {
                        assertEquals(200, response.statusCode());
                        return response.body();
                    })
                    .eventually(() -> client.close().compose(v -> api.close()));
        }).onComplete(test.succeeding(body -> test.verify(() -> {
            JsonObject json = body.toJsonObject();
            assertEquals("s1", json.getString("session_id"));
            assertTrue(json.getBoolean("connected"));
            JsonArray links = json.getJsonArray("links");
            assertEquals(new JsonObject().put("edge_address", "a:4443").put("draining", false), links.getJsonObject(0));
            assertEquals(new JsonObject().put("edge_address", "b:4443").put("draining", true), links.getJsonObject(1));
            test.completeNow();
        })));
    }

    @Test
    void refusesAForeignHostHeader(Vertx vertx, VertxTestContext test) {
        AgentApiServer.start(vertx, "127.0.0.1", 0, () -> TUNNELS).compose(api -> {
            HttpClient client = vertx.createHttpClient();
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                    .setPort(api.port()).setURI("/api/tunnels").putHeader("Host", "attacker.example:" + api.port());
            return client.request(options)
                    .compose(request -> request.send())
                    .compose(response -> response.body().map(body -> response.statusCode() + " " + body))
                    .eventually(() -> client.close().compose(v -> api.close()));
        }).onComplete(test.succeeding(result -> test.verify(() -> {
            assertTrue(result.startsWith("403 "), result);
            assertFalse(result.contains("demo.localhost"), result);
            test.completeNow();
        })));
    }

    @Test
    void refusesARawRequestWithoutHost(Vertx vertx, VertxTestContext test) {
        AgentApiServer.start(vertx, "127.0.0.1", 0, () -> TUNNELS).compose(api -> {
            NetClient client = vertx.createNetClient();
            return client.connect(api.port(), "127.0.0.1").compose(socket -> {
                Buffer received = Buffer.buffer();
                io.vertx.core.Promise<String> done = io.vertx.core.Promise.promise();
                socket.handler(received::appendBuffer);
                socket.closeHandler(v -> done.tryComplete(received.toString()));
                socket.write("GET /api/tunnels HTTP/1.0\r\n\r\n");
                return done.future();
            }).eventually(() -> client.close().compose(v -> api.close()));
        }).onComplete(test.succeeding(response -> test.verify(() -> {
            assertTrue(response.startsWith("HTTP/1.0 403") || response.startsWith("HTTP/1.1 403"), response);
            test.completeNow();
        })));
    }

    @Test
    void hostCheckRules() {
        HostCheck check = new HostCheck("127.0.0.1", 4040);
        assertTrue(check.allows("127.0.0.1:4040"));
        assertTrue(check.allows("localhost:4040"));
        assertTrue(check.allows("[::1]:4040"));
        assertFalse(check.allows("localhost:4041"));
        assertFalse(check.allows("evil.example:4040"));
        assertFalse(check.allows("127.0.0.1.evil.example:4040"));
        assertFalse(check.allows("localhost"));
        assertFalse(check.allows(null));
        assertFalse(check.allows(""));
        assertTrue(new HostCheck("agent.internal", 80).allows("agent.internal"));
    }
}
