package dev.burrow.agent.api;

import dev.burrow.agent.inspect.Inspector;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The agent's local API, shaped like ngrok's: {@code GET /api/tunnels} and {@code GET /api/tunnels/:name},
 * {@code POST /api/tunnels} to start one and {@code DELETE /api/tunnels/:name} to stop it, the same as
 * {@code /api/endpoints} in ngrok's newer shape (name, url, upstream.url); and
 * {@code GET /api/status} with the session's links to edge nodes; {@code PUT /api/endpoints/:name} (or
 * {@code /api/tunnels/:name}) with {@code {"traffic_policy": ...}} changes a running endpoint's policy.
 * Requests whose Host header does not name this server are refused with 403 (see {@link HostCheck}).
 * Owns its HTTP server; {@link #close()} stops it.
 */
public final class AgentApiServer {
    /** A tunnel definition is a few hundred bytes. */
    private static final long MAX_REQUEST_BYTES = 64 * 1024;

    private final HttpServer server;
    private final String host;

    private AgentApiServer(HttpServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /** Listens on {@code host:port} (port 0 picks a free one) and serves {@code tunnels}' current value. */
    public static Future<AgentApiServer> start(Vertx vertx, String host, int port, Supplier<List<TunnelInfo>> tunnels) {
        return start(vertx, host, port, tunnels, () -> AgentStatus.NOT_CONNECTED);
    }

    /** Like {@link #start(Vertx, String, int, Supplier)}, and serves {@code status}' current value too. */
    public static Future<AgentApiServer> start(Vertx vertx, String host, int port, Supplier<List<TunnelInfo>> tunnels,
                                               Supplier<AgentStatus> status) {
        return start(vertx, host, port, tunnels, status, null);
    }

    /** Like the others, and the inspector's API and web UI when {@code inspector} is not null. */
    public static Future<AgentApiServer> start(Vertx vertx, String host, int port, Supplier<List<TunnelInfo>> tunnels,
                                               Supplier<AgentStatus> status, Inspector inspector) {
        return start(vertx, host, port, tunnels, status, inspector, TunnelControl.NONE);
    }

    /** Like the others, and starts and stops tunnels through {@code control}. */
    public static Future<AgentApiServer> start(Vertx vertx, String host, int port, Supplier<List<TunnelInfo>> tunnels,
                                               Supplier<AgentStatus> status, Inspector inspector, TunnelControl control) {
        Router router = Router.router(vertx);
        HttpServer server = vertx.createHttpServer();
        HostCheck[] check = new HostCheck[1];
        router.route().handler(ctx -> {
            if (check[0] != null && check[0].allows(hostOf(ctx.request())) && !sameOrigin(ctx.request())) {
                error(ctx, 403, "Forbidden: a page of another site (Origin " + ctx.request().getHeader("Origin")
                        + ") may not change this agent");
            } else if (check[0] != null && check[0].allows(hostOf(ctx.request()))) {
                ctx.next();
            } else {
                ctx.response().setStatusCode(403).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("Forbidden: the Host header must name this agent API (localhost or an IP address with port "
                                + server.actualPort() + ")\n");
            }
        });
        router.get("/api/tunnels").handler(ctx -> list(ctx, tunnels.get()));
        router.get("/api/tunnels/:name").handler(ctx -> one(ctx, tunnels.get(), ctx.pathParam("name")));
        router.post("/api/tunnels").handler(BodyHandler.create().setBodyLimit(MAX_REQUEST_BYTES))
                .handler(ctx -> startTunnel(ctx, control, TunnelRequest::fromJson, TunnelInfo::toJson));
        router.delete("/api/tunnels/:name").handler(ctx -> stopTunnel(ctx, control, ctx.pathParam("name")));
        router.get("/api/endpoints").handler(ctx -> json(ctx, 200, new JsonObject().put("endpoints",
                new JsonArray(tunnels.get().stream().map(TunnelInfo::toEndpointJson).toList())).put("uri", "/api/endpoints")));
        router.post("/api/endpoints").handler(BodyHandler.create().setBodyLimit(MAX_REQUEST_BYTES))
                .handler(ctx -> startTunnel(ctx, control, TunnelRequest::fromEndpointJson, TunnelInfo::toEndpointJson));
        router.delete("/api/endpoints/:name").handler(ctx -> stopTunnel(ctx, control, ctx.pathParam("name")));
        router.put("/api/endpoints/:name").handler(BodyHandler.create().setBodyLimit(MAX_REQUEST_BYTES))
                .handler(ctx -> updatePolicy(ctx, control, TunnelInfo::toEndpointJson));
        router.put("/api/tunnels/:name").handler(BodyHandler.create().setBodyLimit(MAX_REQUEST_BYTES))
                .handler(ctx -> updatePolicy(ctx, control, TunnelInfo::toJson));
        router.get("/api/status").handler(ctx -> json(ctx, 200, status.get().toJson()));
        if (inspector != null) {
            InspectRoutes.mount(vertx, router, inspector);
        }
        router.route().last().handler(ctx -> error(ctx, 404, "no such resource: " + ctx.request().path()));
        server.requestHandler(router);
        return server.listen(port, host).map(s -> {
            check[0] = new HostCheck(host, s.actualPort());
            return new AgentApiServer(s, host);
        });
    }

    private static void list(RoutingContext ctx, List<TunnelInfo> tunnels) {
        JsonArray array = new JsonArray();
        tunnels.forEach(tunnel -> array.add(tunnel.toJson()));
        json(ctx, 200, new JsonObject().put("tunnels", array).put("uri", "/api/tunnels"));
    }

    private static void one(RoutingContext ctx, List<TunnelInfo> tunnels, String name) {
        for (TunnelInfo tunnel : tunnels) {
            if (tunnel.name().equals(name)) {
                json(ctx, 200, tunnel.toJson());
                return;
            }
        }
        error(ctx, 404, "tunnel \"" + name + "\" not found");
    }

    /** 201 and the tunnel, as ngrok answers; a refusal with its status, an edge's refusal as 502 with its sentence. */
    private static void startTunnel(RoutingContext ctx, TunnelControl control, Function<JsonObject, TunnelRequest> read,
                                    Function<TunnelInfo, JsonObject> shown) {
        TunnelRequest request;
        try {
            JsonObject body = ctx.body().asJsonObject();
            request = body == null ? null : read.apply(body);
        } catch (TunnelRequest.Refused refused) {
            error(ctx, refused.status(), refused.getMessage());
            return;
        } catch (RuntimeException e) {
            error(ctx, 400, "the body must be a JSON object, e.g. {\"name\": \"web\", \"proto\": \"http\", \"addr\": \"3000\"}");
            return;
        }
        if (request == null) {
            error(ctx, 400, "the body must be a JSON object, e.g. {\"name\": \"web\", \"proto\": \"http\", \"addr\": \"3000\"}");
            return;
        }
        control.start(request).onComplete(ar -> {
            if (ar.succeeded()) {
                JsonObject answer = shown.apply(ar.result());
                ctx.response().putHeader("Location", answer.getString("uri"));
                json(ctx, 201, answer);
            } else {
                refusal(ctx, ar.cause());
            }
        });
    }

    /** 200 and the endpoint once the edge applies the new policy; 400 with the edge's file:line:col when it does not. */
    private static void updatePolicy(RoutingContext ctx, TunnelControl control, Function<TunnelInfo, JsonObject> shown) {
        String document;
        try {
            document = PolicyUpdateRequest.document(ctx.body().asJsonObject());
        } catch (TunnelRequest.Refused refused) {
            error(ctx, refused.status(), refused.getMessage());
            return;
        } catch (RuntimeException e) {
            error(ctx, 400, "the body must be a JSON object such as {\"traffic_policy\": \"...\"}");
            return;
        }
        control.updatePolicy(ctx.pathParam("name"), document).onComplete(ar -> {
            if (ar.succeeded()) {
                json(ctx, 200, shown.apply(ar.result()));
            } else {
                refusal(ctx, ar.cause());
            }
        });
    }

    /** 204 when stopped, 404 when no tunnel has that name. */
    private static void stopTunnel(RoutingContext ctx, TunnelControl control, String name) {
        control.stop(name).onComplete(ar -> {
            if (ar.failed()) {
                refusal(ctx, ar.cause());
            } else if (ar.result()) {
                ctx.response().setStatusCode(204).end();
            } else {
                error(ctx, 404, "tunnel \"" + name + "\" not found");
            }
        });
    }

    private static void refusal(RoutingContext ctx, Throwable failure) {
        if (failure instanceof TunnelRequest.Refused refused) {
            error(ctx, refused.status(), refused.getMessage());
        } else {
            error(ctx, 502, failure.getMessage() == null ? failure.toString() : failure.getMessage());
        }
    }

    static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonObject().put("error_code", 100 + status / 100).put("status_code", status)
                .put("msg", message).put("details", new JsonObject()));
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    public int port() {
        return server.actualPort();
    }

    public String host() {
        return host;
    }

    /** "http://host:port", IPv6 hosts bracketed. */
    public String url() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    public Future<Void> close() {
        return server.close();
    }

    /**
     * A browser names the page that sent a request in Origin: only this API's own pages may change anything
     * (replay, delete), so a foreign Origin is refused for every method but GET.
     */
    private static boolean sameOrigin(io.vertx.core.http.HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null || request.method() == io.vertx.core.http.HttpMethod.GET) {
            return true;
        }
        String host = hostOf(request);
        return host != null && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
    }

    /** The Host header on HTTP/1.x, the :authority pseudo-header on HTTP/2. */
    private static String hostOf(io.vertx.core.http.HttpServerRequest request) {
        io.vertx.core.net.HostAndPort authority = request.authority();
        if (authority != null) {
            return authority.port() >= 0 ? authority.host() + ":" + authority.port() : authority.host();
        }
        return request.getHeader("Host");
    }
}
