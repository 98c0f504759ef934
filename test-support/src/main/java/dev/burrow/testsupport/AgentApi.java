package dev.burrow.testsupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads an agent's ngrok-compatible API ({@code GET /api/tunnels}) over its web address. */
public final class AgentApi {

    /** HTTP/1.1: the JDK client would otherwise try an h2c upgrade on every request. */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** The JDK client's default: HTTP/2, reached through an h2c upgrade on a plain connection. */
    private static final HttpClient H2C_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private AgentApi() {
    }

    /** The raw response of {@code GET <web>/api/tunnels}: status and body. */
    public static HttpResponse<String> getTunnelsResponse(AgentProcess agent) {
        return getTunnelsResponse(agent, HttpClient.Version.HTTP_1_1);
    }

    /** {@code GET <web>/api/tunnels} with the given protocol (HTTP_2 means an h2c upgrade). */
    public static HttpResponse<String> getTunnelsResponse(AgentProcess agent, HttpClient.Version version) {
        HttpClient client = version == HttpClient.Version.HTTP_2 ? H2C_CLIENT : CLIENT;
        HttpRequest req = HttpRequest.newBuilder(URI.create(agent.webUrl() + "/api/tunnels"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            return client.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + req.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The {@code tunnels} array of a 200 JSON answer. */
    public static JsonArray tunnels(AgentProcess agent) {
        HttpResponse<String> resp = getTunnelsResponse(agent);
        if (resp.statusCode() != 200) {
            throw new AssertionError("GET /api/tunnels answered " + resp.statusCode() + ": " + resp.body());
        }
        JsonObject body = new JsonObject(resp.body());
        JsonArray tunnels = body.getJsonArray("tunnels");
        if (tunnels == null) {
            throw new AssertionError("no \"tunnels\" array in " + resp.body());
        }
        return tunnels;
    }

    /** {@code METHOD <web><path>} with an optional JSON body; the raw response. */
    public static HttpResponse<String> call(AgentProcess agent, String method, String path, String jsonBody) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(agent.webUrl() + path)).timeout(Duration.ofSeconds(10));
        if (jsonBody != null) {
            builder.header("Content-Type", "application/json");
        }
        HttpRequest req = builder.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody)).build();
        try {
            return CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(method + " " + req.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@code GET <web>/api/requests/http?…}: the captured exchanges, newest first. */
    public static JsonArray requests(AgentProcess agent, String query) {
        HttpResponse<String> resp = call(agent, "GET", "/api/requests/http" + (query == null ? "" : "?" + query), null);
        if (resp.statusCode() != 200) {
            throw new AssertionError("GET /api/requests/http answered " + resp.statusCode() + ": " + resp.body());
        }
        return new JsonObject(resp.body()).getJsonArray("requests");
    }
}
