package dev.burrow.agent.demo;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.time.Instant;

/**
 * A tiny local web service for the demo: what a user would run beside the agent. It answers every request
 * with a small HTML page that echoes what it received, so the user sees the tunnel's X-Forwarded-* headers.
 *
 * <p>Usage: {@code java -cp burrow.jar dev.burrow.agent.demo.SampleUpstream [port]} (default 3000).
 */
public final class SampleUpstream {
    private SampleUpstream() {
    }

    public static void main(String[] args) {
        int port;
        try {
            port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        } catch (NumberFormatException e) {
            System.err.println("ERROR: port must be a number, got \"" + args[0] + "\"");
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            StringBuilder headers = new StringBuilder();
            request.headers().forEach(h -> headers.append(escape(h.getKey())).append(": ").append(escape(h.getValue())).append('\n'));
            String page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Hello from Burrow</title></head>"
                    + "<body style=\"font-family:sans-serif;max-width:48em;margin:3em auto\">"
                    + "<h1>Hello from Burrow</h1><p>This page is served by a local service on port " + request.localAddress().port()
                    + " and reached you through a Burrow tunnel at " + Instant.now() + ".</p>"
                    + "<h2>" + escape(request.method().name()) + " " + escape(request.uri()) + "</h2><pre>" + headers + "</pre></body></html>";
            request.response().putHeader("content-type", "text/html; charset=utf-8").end(page);
        });
        server.listen(port, "127.0.0.1").onComplete(result -> {
            if (result.succeeded()) {
                System.out.println("Sample upstream listening on http://127.0.0.1:" + result.result().actualPort());
            } else {
                System.err.println("ERROR: sample upstream cannot listen on 127.0.0.1:" + port + ": " + result.cause().getMessage());
                vertx.close();
                System.exit(1);
            }
        });
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
