package dev.burrow.agent.api;

import dev.burrow.agent.inspect.Inspector;
import dev.burrow.agent.inspect.ReplayRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The inspector's part of the agent API (ngrok's request endpoints plus a live event stream) and its web UI,
 * static files from the jar's {@code inspector/} resources.
 */
final class InspectRoutes {
    static final int DEFAULT_LIMIT = 50;
    /** A replay request names headers and a body; a megabyte more than covers the inspector's own limits. */
    private static final long MAX_REPLAY_REQUEST = 20L * 1024 * 1024;

    private InspectRoutes() {
    }

    static void mount(Vertx vertx, Router router, Inspector inspector) {
        router.get("/api/requests/http").handler(ctx -> list(ctx, inspector));
        router.get("/api/requests/http/events").handler(ctx -> events(vertx, ctx, inspector));
        router.get("/api/requests/http/:id").handler(ctx -> inspector.store().get(ctx.pathParam("id")).ifPresentOrElse(
                e -> AgentApiServer.json(ctx, 200, ExchangeJson.of(e)),
                () -> AgentApiServer.error(ctx, 404, "no captured exchange with id \"" + ctx.pathParam("id") + "\"")));
        router.delete("/api/requests/http").handler(ctx -> {
            inspector.store().clear();
            ctx.response().setStatusCode(204).end();
        });
        router.post("/api/requests/http").handler(BodyHandler.create().setBodyLimit(MAX_REPLAY_REQUEST)).handler(ctx -> replay(ctx, inspector));
        router.get("/").handler(ctx -> ctx.redirect("/inspect/http"));
        router.get("/inspect/http").handler(ctx -> ctx.reroute("/inspect/index.html"));
        router.route("/inspect/*").handler(StaticHandler.create("inspector").setCachingEnabled(false));
    }

    private static void list(RoutingContext ctx, Inspector inspector) {
        int limit = DEFAULT_LIMIT;
        String limitParam = ctx.request().getParam("limit");
        if (limitParam != null) {
            try {
                limit = Math.max(0, Integer.parseInt(limitParam));
            } catch (NumberFormatException e) {
                AgentApiServer.error(ctx, 400, "limit must be a whole number, not \"" + limitParam + "\"");
                return;
            }
        }
        JsonArray requests = new JsonArray();
        inspector.store().list(limit, ctx.request().getParam("tunnel_name")).forEach(e -> requests.add(ExchangeJson.of(e, ExchangeJson.Bodies.RAW)));
        AgentApiServer.json(ctx, 200, new JsonObject().put("uri", "/api/requests/http").put("requests", requests));
    }

    /**
     * Server-sent events: "exchange" with each new exchange's JSON, "cleared" after a DELETE. A browser that reads
     * too slowly misses events and gets "resync" once it caught up, and reloads the list.
     */
    private static void events(Vertx vertx, RoutingContext ctx, Inspector inspector) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
        response.write(": burrow inspector\n\n");
        Context context = vertx.getOrCreateContext();
        boolean[] missed = new boolean[1];
        Runnable remove = inspector.store().onAdded(
                exchange -> context.runOnContext(v -> send(response, "exchange", ExchangeJson.of(exchange, ExchangeJson.Bodies.SIZES).encode(), missed)),
                () -> context.runOnContext(v -> send(response, "cleared", "{}", missed)));
        long keepAlive = vertx.setPeriodic(15_000, id -> send(response, null, null, missed));
        response.closeHandler(v -> {
            remove.run();
            vertx.cancelTimer(keepAlive);
        });
    }

    private static void send(HttpServerResponse response, String event, String data, boolean[] missed) {
        if (response.closed() || response.ended()) {
            return;
        }
        if (response.writeQueueFull()) {
            if (!missed[0]) {
                missed[0] = true;
                response.drainHandler(v -> {
                    missed[0] = false;
                    response.write("event: resync\ndata: {}\n\n");
                });
            }
            return;
        }
        response.write(event == null ? ": keep-alive\n\n" : "event: " + event + "\ndata: " + data + "\n\n");
    }

    private static void replay(RoutingContext ctx, Inspector inspector) {
        // A page of another site may POST a "simple" text/plain body to 127.0.0.1:4040 without asking (no CORS
        // preflight); requiring JSON makes the browser ask first, and we never grant it.
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            AgentApiServer.error(ctx, 415, "send the replay request as JSON (Content-Type: application/json)");
            return;
        }
        ReplayRequest request;
        try {
            request = parse(ctx.body().asJsonObject());
        } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
            AgentApiServer.error(ctx, 400, "the body must be JSON like {\"id\": \"…\"} with optional method, uri, "
                    + "headers ({name: [values]}), body or body_base64: " + e.getMessage());
            return;
        }
        inspector.replay(request).onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.response().setStatusCode(204).end();
            } else if (ar.cause() instanceof NoSuchElementException) {
                AgentApiServer.error(ctx, 404, ar.cause().getMessage());
            } else if (ar.cause() instanceof IllegalStateException || ar.cause() instanceof IllegalArgumentException) {
                AgentApiServer.error(ctx, 400, ar.cause().getMessage());
            } else {
                AgentApiServer.error(ctx, 502, String.valueOf(ar.cause().getMessage()));
            }
        });
    }

    static ReplayRequest parse(JsonObject json) {
        if (json == null || json.getString("id") == null) {
            throw new IllegalArgumentException("\"id\" is missing");
        }
        List<Map.Entry<String, String>> headers = null;
        JsonObject headerJson = json.getJsonObject("headers");
        if (headerJson != null) {
            headers = new ArrayList<>();
            for (String name : headerJson.fieldNames()) {
                Object value = headerJson.getValue(name);
                if (value instanceof JsonArray values) {
                    for (Object v : values) {
                        headers.add(Map.entry(name, String.valueOf(v)));
                    }
                } else {
                    headers.add(Map.entry(name, String.valueOf(value)));
                }
            }
        }
        byte[] body = null;
        if (json.getString("body_base64") != null) {
            body = Base64.getDecoder().decode(json.getString("body_base64"));
        } else if (json.getString("body") != null) {
            body = json.getString("body").getBytes(StandardCharsets.UTF_8);
        }
        return new ReplayRequest(json.getString("id"), json.getString("tunnel_name"), json.getString("method"),
                json.getString("uri"), headers, body);
    }
}
