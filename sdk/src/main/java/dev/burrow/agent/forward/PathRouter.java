package dev.burrow.agent.forward;

import dev.burrow.agent.TunnelConnection;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Sends each HTTP exchange of one endpoint to the forwarder of its route, as an Ingress's path rules do: a route of
 * exactly its path first ({@code Exact}), else the longest path prefix that matches it ({@code Prefix}: a prefix matches
 * whole path segments, {@code /api} takes {@code /api} and {@code /api/x}, not {@code /apix}), otherwise the default
 * one. Without a default, an unmatched path gets 404.
 */
public final class PathRouter implements ConnectionForwarder {
    /** Requests whose path is {@code path} ({@code exact}) or under it go to {@code forwarder}. */
    public record Route(String path, boolean exact, ConnectionForwarder forwarder) {
        boolean matches(String requestPath) {
            return exact ? requestPath.equals(path) : PathRouter.matches(path, requestPath);
        }
    }

    private final List<Route> routes;
    private final ConnectionForwarder fallback;

    /** {@code fallback} may be null (unmatched paths answer 404). */
    public PathRouter(List<Route> routes, ConnectionForwarder fallback) {
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparing((Route route) -> !route.exact())
                .thenComparing(Comparator.comparingInt((Route route) -> route.path().length()).reversed()));
        this.routes = List.copyOf(sorted);
        this.fallback = fallback;
    }

    /** The path of a request target, without query or fragment. */
    static String pathOf(String uri) {
        int end = uri.length();
        for (char stop : new char[] {'?', '#'}) {
            int at = uri.indexOf(stop);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        return uri.substring(0, end);
    }

    static boolean matches(String prefix, String path) {
        String bare = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return bare.isEmpty() || path.equals(bare) || path.startsWith(bare + "/");
    }

    @Override
    public void handle(TunnelConnection connection) {
        String path = pathOf(connection.requestHead().uri());
        for (Route route : routes) {
            if (route.matches(path)) {
                route.forwarder().handle(connection);
                return;
            }
        }
        if (fallback != null) {
            fallback.handle(connection);
        } else {
            notFound(connection);
        }
    }

    /** Shown by the forwarder the refused request's path would have gone to. */
    @Override
    public void policyRefused(dev.burrow.protocol.ControlMessage.PolicyRefusal refusal) {
        String path = pathOf(refusal.target());
        for (Route route : routes) {
            if (route.matches(path)) {
                route.forwarder().policyRefused(refusal);
                return;
            }
        }
        if (fallback != null) {
            fallback.policyRefused(refusal);
        }
    }

    private static void notFound(TunnelConnection connection) {
        Buffer body = Buffer.buffer("no route for this path\n");
        connection.handler(ignored -> { });
        connection.writeHeaders(new dev.burrow.protocol.HttpResponseHead(404, "Not Found", List.of(
                Map.entry("Content-Type", "text/plain; charset=utf-8"), Map.entry("Content-Length", String.valueOf(body.length())))));
        connection.end(body);
    }

    @Override
    public Future<Void> close() {
        List<Future<Void>> closing = new ArrayList<>();
        routes.forEach(route -> closing.add(route.forwarder().close()));
        if (fallback != null) {
            closing.add(fallback.close());
        }
        return Future.join(closing).mapEmpty();
    }
}
