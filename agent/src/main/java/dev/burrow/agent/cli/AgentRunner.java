package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Endpoint;
import dev.burrow.agent.Forwarder;
import dev.burrow.agent.SessionEvent;
import dev.burrow.agent.api.AgentApiServer;
import dev.burrow.agent.api.AgentStatus;
import dev.burrow.agent.api.TunnelInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs one tunnel command: the agent API, the session, the endpoint; prints the status lines; blocks until the
 * process should end and returns its exit code (0 after Ctrl-C, 1 after a fatal failure). Owns the Vert.x
 * instance it creates and closes it.
 */
final class AgentRunner {
    /** Web API ports tried after the default one is taken (ngrok's habit). */
    private static final int DEFAULT_WEB_PORT_ATTEMPTS = 10;

    private final PrintStream out;
    private final PrintStream err;
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final AtomicReference<BurrowSession> session = new AtomicReference<>();

    AgentRunner(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(AgentSettings settings, Function<BurrowSession, Future<Forwarder>> openEndpoint) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        Thread hook = new Thread(() -> {
            exitCode.complete(0);
            shutdown(vertx);
        }, "burrow-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        startApi(vertx, settings)
                .compose(api -> BurrowSession.builder(vertx)
                        .serverAddresses(settings.servers())
                        .links(settings.links())
                        .authtoken(settings.authtoken())
                        .edgeCa(settings.edgeCa())
                        .heartbeatInterval(settings.heartbeatInterval())
                        .listener(new ConsoleReporter(out))
                        .listener(this::onEvent)
                        .connect())
                .compose(connected -> {
                    session.set(connected);
                    return openEndpoint.apply(connected);
                })
                .onSuccess(forwarder -> println(out, "Forwarding " + forwarder.publicUrl() + " -> " + forwarder.upstream()))
                .onFailure(failure -> fail(ErrorMessages.forFailure(failure, settings.edgeCa())));
        int code = exitCode.join();
        if (code != 0) {
            Runtime.getRuntime().removeShutdownHook(hook);
            shutdown(vertx);
        }
        return code;
    }

    private Future<AgentApiServer> startApi(Vertx vertx, AgentSettings settings) {
        WebAddress web = settings.webAddress();
        if (web == null) {
            return Future.succeededFuture();
        }
        int attempts = web.explicit() || web.port() == 0 ? 1 : DEFAULT_WEB_PORT_ATTEMPTS;
        return listen(vertx, web, 0, attempts).onSuccess(api -> println(out, "Web interface " + api.url()));
    }

    private Future<AgentApiServer> listen(Vertx vertx, WebAddress web, int attempt, int attempts) {
        int port = web.port() == 0 ? 0 : web.port() + attempt;
        return AgentApiServer.start(vertx, web.host(), port, this::tunnels, this::status).recover(failure -> {
            if (attempt + 1 < attempts) {
                return listen(vertx, web, attempt + 1, attempts);
            }
            return Future.failedFuture(new IllegalArgumentException("cannot listen on " + web.host() + ":" + port
                    + " for the web interface (" + failure.getMessage() + "); pass another --web-addr or --web-addr false"));
        });
    }

    private List<TunnelInfo> tunnels() {
        BurrowSession current = session.get();
        List<TunnelInfo> tunnels = new ArrayList<>();
        if (current == null) {
            return tunnels;
        }
        for (Endpoint endpoint : current.endpoints()) {
            String name = tunnels.isEmpty() ? "command_line" : "command_line-" + (tunnels.size() + 1);
            String addr = endpoint instanceof Forwarder forwarder ? addr(forwarder) : "";
            tunnels.add(new TunnelInfo(name, endpoint.publicUrl(), endpoint.proto(), addr));
        }
        return tunnels;
    }

    private AgentStatus status() {
        BurrowSession current = session.get();
        return current == null ? AgentStatus.NOT_CONNECTED : new AgentStatus(current.sessionId(), current.links());
    }

    private static String addr(Forwarder forwarder) {
        String upstream = forwarder.upstream().toString();
        return upstream.startsWith("tcp://") ? upstream.substring("tcp://".length()) : upstream;
    }

    private void onEvent(SessionEvent event) {
        if (event instanceof SessionEvent.Failed failed && session.get() != null) {
            fail(ErrorMessages.forFailure(failed.cause(), null));
        }
    }

    private void fail(String sentence) {
        if (!exitCode.isDone()) {
            println(err, "ERROR: " + sentence);
            exitCode.complete(1);
        }
    }

    private void shutdown(Vertx vertx) {
        BurrowSession current = session.get();
        Future<Void> closed = current == null ? Future.succeededFuture() : current.close();
        try {
            closed.transform(ar -> vertx.close()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Exiting anyway: nothing more to release than the process itself.
        }
    }

    private static void println(PrintStream stream, String line) {
        stream.println(line);
        stream.flush();
    }
}
