package dev.burrow.testsupport;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A blocking client of an edge's admin API ({@code /api/v1} on the ops port), for tests. */
public final class AdminClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String bearer;

    public record Reply(int status, JsonObject json) {
        public String errorCode() {
            return json.getJsonObject("error") == null ? null : json.getJsonObject("error").getString("code");
        }
    }

    public AdminClient(String host, int opsPort, String bearer) {
        this.base = "http://" + host + ":" + opsPort + "/api/v1";
        this.bearer = bearer;
    }

    public Reply get(String path) throws Exception {
        return send("GET", path, null, bearer == null ? null : "Bearer " + bearer);
    }

    public Reply post(String path, JsonObject body) throws Exception {
        return send("POST", path, body == null ? "" : body.encode(), bearer == null ? null : "Bearer " + bearer);
    }

    public Reply delete(String path) throws Exception {
        return send("DELETE", path, null, bearer == null ? null : "Bearer " + bearer);
    }

    public Reply send(String method, String path, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        return new Reply(response.statusCode(), text == null || text.isBlank() ? new JsonObject() : new JsonObject(text));
    }

    /** Creates a tenant with quotas (maxEndpoints, maxSessions, maxRequestsPerSecond, maxTcpPorts) and returns its id. */
    public String createTenant(String id, int maxEndpoints, int maxSessions, int maxTcpPorts) throws Exception {
        Reply reply = post("/tenants", new JsonObject().put("id", id).put("name", "Tenant " + id).put("quotas",
                new JsonObject().put("maxEndpoints", maxEndpoints).put("maxSessions", maxSessions).put("maxTcpPorts", maxTcpPorts)));
        if (reply.status() != 201) {
            throw new AssertionError("create tenant " + id + ": " + reply);
        }
        return id;
    }

    /** Issues a token (with scopes) for a tenant and returns {id, token}. */
    public JsonObject issueToken(String tenant, String... scopes) throws Exception {
        Reply reply = post("/tenants/" + tenant + "/tokens", new JsonObject().put("description", "test")
                .put("scopes", new io.vertx.core.json.JsonArray(java.util.List.of(scopes))));
        if (reply.status() != 201) {
            throw new AssertionError("issue token for " + tenant + ": " + reply);
        }
        return reply.json();
    }

    public void reserve(String tenant, String name) throws Exception {
        Reply reply = post("/tenants/" + tenant + "/reservations", new JsonObject().put("name", name));
        if (reply.status() != 201) {
            throw new AssertionError("reserve " + name + " for " + tenant + ": " + reply);
        }
    }
}
