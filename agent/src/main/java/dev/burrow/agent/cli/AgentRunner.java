package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Forwarder;
import dev.burrow.agent.HttpEndpointBuilder;
import dev.burrow.agent.LinkInfo;
import dev.burrow.agent.SessionEvent;
import dev.burrow.agent.api.AgentApiServer;
import dev.burrow.agent.api.AgentStatus;
import dev.burrow.agent.api.TunnelControl;
import dev.burrow.agent.api.TunnelInfo;
import dev.burrow.agent.api.TunnelRequest;
import dev.burrow.agent.console.ConnectionStats;
import dev.burrow.agent.console.ConsoleState;
import dev.burrow.agent.console.EventLog;
import dev.burrow.agent.console.LogEvent;
import dev.burrow.agent.ExchangeObserver;
import dev.burrow.agent.forward.HttpUpstream;
import dev.burrow.agent.inspect.Inspector;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.PrintStream;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the agent: the web API and inspector, one session, every planned endpoint on it; reports through the line
 * log or the live screen; blocks until the process should end and returns its exit code (0 after Ctrl-C, 1 after a
 * fatal failure). Owns the Vert.x instance it creates and closes it.
 */
final class AgentRunner implements TunnelControl {
    /** Web API ports tried from the default one on when it is taken (ngrok's habit), browser-unsafe ones left out. */
    private static final int DEFAULT_WEB_PORT_ATTEMPTS = 10;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final AtomicReference<BurrowSession> session = new AtomicReference<>();
    private final List<Opened> opened = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> starting = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ConnectionStats stats = new ConnectionStats(System::nanoTime);
    private final ConsoleState console = new ConsoleState(VersionCommand.number(), stats);
    private Inspector inspector;
    private Vertx vertx;
    private AgentSettings settings;
    private EventLog log;

    /** An endpoint that is up, under its name. */
    /** The live counters of each UDP endpoint, by name, for the agent API. */
    private final Map<String, dev.burrow.agent.forward.UdpStats> udpStats = new java.util.concurrent.ConcurrentHashMap<>();

    private record Opened(String name, Forwarder forwarder, boolean inspected, PolicyFileWatch watch) {
    }

    AgentRunner(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    private java.time.Duration responseTimeout = dev.burrow.agent.HttpEndpointBuilder.DEFAULT_RESPONSE_TIMEOUT;

    int run(AgentSettings settings, List<EndpointPlan> plans) {
        this.settings = settings;
        LibraryLogging.configure(settings.log());
        responseTimeout = settings.responseTimeout();
        log = ConsoleChoice.open(settings.log(), out, console, environment);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        this.vertx = vertx;
        if (settings.inspect().enabled() && settings.webAddress() != null) {
            inspector = new Inspector(vertx, settings.inspect().maxExchanges(), settings.inspect().maxBodyBytes());
        }
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
                        .heartbeatTolerance(settings.heartbeatTolerance())
                        .listener(new ConsoleReporter(log, console))
                        .listener(this::onEvent)
                        .connect())
                .compose(connected -> {
                    session.set(connected);
                    console.latency(connected::latency);
                    console.session(connected.sessionId(), connected.links().stream().map(LinkInfo::edgeAddress).toList());
                    return openAll(connected, plans, 0);
                })
                .onFailure(failure -> fail(ErrorMessages.forFailure(failure, settings)));
        int code = exitCode.join();
        if (code != 0) {
            Runtime.getRuntime().removeShutdownHook(hook);
            shutdown(vertx);
        }
        return code;
    }

    /** One after the other, so the Forwarding lines come in the order of the plans. */
    private Future<Void> openAll(BurrowSession connected, List<EndpointPlan> plans, int index) {
        if (index >= plans.size()) {
            return Future.succeededFuture();
        }
        EndpointPlan plan = plans.get(index);
        return openAndReport(connected, plan).compose(forwarder -> openAll(connected, plans, index + 1),
                failure -> Future.failedFuture(plans.size() > 1 && failure instanceof dev.burrow.agent.BurrowException e
                ? new dev.burrow.agent.BurrowException(e.reason(), "endpoint \"" + plan.name() + "\": " + e.getMessage())
                : failure));
    }

    private Future<Opened> openAndReport(BurrowSession connected, EndpointPlan plan) {
        return open(connected, plan).recover(failure -> Future.failedFuture(plan.trafficPolicy().named(failure))).map(forwarder -> {
            Opened endpoint = new Opened(plan.name(), forwarder, inspector != null && plan.inspect() && dev.burrow.protocol.BindProtocols.carriesHttp(plan.proto()),
                    PolicyFileWatch.start(vertx, plan.trafficPolicy(), forwarder, log));
            opened.add(endpoint);
            String line = forwarder.publicUrl() + " -> " + forwarder.upstream();
            console.forwarding(line);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("name", plan.name());
            fields.put("url", forwarder.publicUrl());
            fields.put("upstream", forwarder.upstream().toString());
            log.log(LogEvent.info("Forwarding " + line, "forwarding", fields));
            return endpoint;
        });
    }

    /** {@code POST /api/tunnels}: one more endpoint on the running session. */
    @Override
    public Future<TunnelInfo> start(TunnelRequest request) {
        BurrowSession current = session.get();
        if (current == null) {
            return Future.failedFuture(new TunnelRequest.Refused(503, "the agent is not connected to the edge yet; try again"));
        }
        EndpointPlan plan;
        try {
            plan = ApiTunnelPlan.of(request, settings);
        } catch (TunnelRequest.Refused refused) {
            return Future.failedFuture(refused);
        }
        // Reserved while it opens, so two requests for one name cannot both pass this check.
        if (opened.stream().anyMatch(endpoint -> endpoint.name().equals(request.name())) || !starting.add(request.name())) {
            return Future.failedFuture(new TunnelRequest.Refused(409, "a tunnel named \"" + request.name() + "\" is running"));
        }
        return openAndReport(current, plan).map(this::info).andThen(ar -> starting.remove(request.name()));
    }

    /** {@code DELETE /api/tunnels/:name}: unbinds the endpoint; its URL is free at once. */
    @Override
    public Future<Boolean> stop(String name) {
        Opened endpoint = opened.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
        if (endpoint == null || !opened.remove(endpoint)) {
            return Future.succeededFuture(false);
        }
        endpoint.watch().stop();
        console.stopped(endpoint.forwarder().publicUrl() + " -> " + endpoint.forwarder().upstream());
        log.log(LogEvent.info("Stopped " + endpoint.forwarder().publicUrl(), "stopped",
                Map.of("name", name, "url", endpoint.forwarder().publicUrl())));
        return endpoint.forwarder().close().map(true);
    }

    /** {@code PUT /api/endpoints/:name}: the endpoint's new policy, applied by the edge without a rebind. */
    @Override
    public Future<TunnelInfo> updatePolicy(String name, String document) {
        Opened endpoint = opened.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
        if (endpoint == null) {
            return Future.failedFuture(new TunnelRequest.Refused(404, "tunnel \"" + name + "\" not found"));
        }
        return endpoint.forwarder().updateTrafficPolicy(document).map(v -> {
            log.log(LogEvent.info("Traffic policy of " + endpoint.forwarder().publicUrl() + " changed through the agent API",
                    "policy changed", Map.of("name", name, "url", endpoint.forwarder().publicUrl())));
            return info(endpoint);
        }).recover(failure -> Future.failedFuture(PolicyRefusals.forApi(failure)));
    }

    private Future<Forwarder> open(BurrowSession connected, EndpointPlan plan) {
        if (plan.proto().equals("udp")) {
            dev.burrow.agent.UdpEndpointBuilder udp = connected.udpEndpoint().port(plan.remotePort())
                    .idleTimeout(plan.udp().idleTimeout()).maxFlows(plan.udp().maxFlows())
                    .trafficPolicy(plan.trafficPolicy().sent());
            udpStats.put(plan.name(), udp.stats());
            return udp.forward(plan.upstream().getAuthority());
        }
        if (plan.proto().equals(dev.burrow.protocol.BindProtocols.TLS)) {
            dev.burrow.agent.TcpEndpointBuilder tls = connected.tlsEndpoint().hostname(plan.hostname()).subdomain(plan.subdomain())
                    .pooling(plan.pooling()).trafficPolicy(plan.trafficPolicy().sent())
                    .onConnection(this::countConnection);
            if (plan.tls().terminatesAtAgent()) {
                tls.terminateTls(plan.tls().crt().toString(), plan.tls().key().toString());
            }
            return tls.forward(plan.upstream().getAuthority());
        }
        if (plan.proto().equals("tcp")) {
            return connected.tcpEndpoint().port(plan.remotePort()).pooling(plan.pooling()).trafficPolicy(plan.trafficPolicy().sent())
                    .onConnection(this::countConnection)
                    .forward(plan.upstream().getAuthority());
        }
        HttpEndpointBuilder endpoint = connected.httpEndpoint().pooling(plan.pooling()).trafficPolicy(plan.trafficPolicy().sent())
                .upstreamHttp2(plan.http2())
                .httpsOnly(plan.proto().equals(dev.burrow.protocol.BindProtocols.HTTPS)).upstreamTls(plan.upstreamTls())
                .mutualTlsCas(plan.tls().mutualTlsCas()).mutualTlsCrls(plan.tls().mutualTlsCrls())
                .responseTimeout(responseTimeout);
        if (plan.hostname() != null) {
            endpoint.hostname(plan.hostname());
        }
        if (plan.subdomain() != null) {
            endpoint.subdomain(plan.subdomain());
        }
        ExchangeObserver observer = stats.observer(this::onExchange);
        if (plan.inspect() && inspector != null) {
            observer = ExchangeObserver.both(inspector.observe(plan.name(), HttpUpstream.of(plan.upstream())), observer);
        }
        return endpoint.observer(observer).forward(plan.upstream());
    }

    /** Counts a TCP or TLS endpoint's public connection while it is open (the terminal view shows the count). */
    private void countConnection(dev.burrow.agent.TunnelConnection connection) {
        Runnable closed = stats.opened();
        connection.closed().onComplete(ar -> closed.run());
    }

    private void onExchange(String method, String uri, int status, String reason) {
        console.request(LocalTime.now(), method, uri, status, reason);
        if (log != null && log.logs(LogEvent.Level.DEBUG)) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("method", method);
            fields.put("uri", uri);
            fields.put("status", status);
            if (reason != null && !reason.isEmpty()) {
                fields.put("reason", reason);
            }
            log.log(LogEvent.debug(method + " " + uri + " " + (status == 0 ? reason : status + " " + reason), "exchange", fields));
        }
    }

    private Future<AgentApiServer> startApi(Vertx vertx, AgentSettings settings) {
        WebAddress web = settings.webAddress();
        if (web == null) {
            return Future.succeededFuture();
        }
        return listen(vertx, web, web.candidatePorts(DEFAULT_WEB_PORT_ATTEMPTS), 0).onSuccess(api -> {
            console.webInterface(api.url());
            log.log(LogEvent.info("Web interface " + api.url(), "web interface", Map.of("url", api.url())));
        });
    }

    private Future<AgentApiServer> listen(Vertx vertx, WebAddress web, List<Integer> ports, int attempt) {
        int port = ports.get(attempt);
        return AgentApiServer.start(vertx, web.host(), port, this::tunnels, this::status, inspector, this).recover(failure -> {
            if (attempt + 1 < ports.size()) {
                return listen(vertx, web, ports, attempt + 1);
            }
            return Future.failedFuture(new IllegalArgumentException("cannot listen on " + web.host() + ":" + port
                    + " for the web interface (" + failure.getMessage() + "); pass another --web-addr or --web-addr false"));
        });
    }

    private List<TunnelInfo> tunnels() {
        List<TunnelInfo> tunnels = new ArrayList<>();
        for (Opened endpoint : opened) {
            tunnels.add(info(endpoint));
        }
        return tunnels;
    }

    private TunnelInfo info(Opened endpoint) {
        dev.burrow.agent.forward.UdpStats udp = udpStats.get(endpoint.name());
        return new TunnelInfo(endpoint.name(), endpoint.forwarder().publicUrl(), endpoint.forwarder().proto(),
                addr(endpoint.forwarder()), endpoint.inspected(), udp == null ? null : udp.toJson());
    }

    private AgentStatus status() {
        BurrowSession current = session.get();
        return current == null ? AgentStatus.NOT_CONNECTED : new AgentStatus(current.sessionId(), current.links());
    }

    private static String addr(Forwarder forwarder) {
        String upstream = forwarder.upstream().toString();
        return upstream.startsWith("tcp://") || upstream.startsWith("udp://") ? upstream.substring("tcp://".length()) : upstream;
    }

    private void onEvent(SessionEvent event) {
        BurrowSession current = session.get();
        if (current != null && !(event instanceof SessionEvent.Closed)) {
            console.session(current.sessionId(), current.links().stream().map(LinkInfo::edgeAddress).toList());
        }
        if (event instanceof SessionEvent.Failed failed && current != null) {
            fail(ErrorMessages.forFailure(failed.cause(), settings));
        }
    }

    private void fail(String sentence) {
        if (!exitCode.isDone()) {
            log.close();
            err.println("ERROR: " + sentence);
            err.flush();
            exitCode.complete(1);
        }
    }

    private void shutdown(Vertx vertx) {
        BurrowSession current = session.get();
        Future<Void> closed = current == null ? Future.succeededFuture() : current.close();
        if (inspector != null) {
            closed = closed.transform(ar -> inspector.close());
        }
        try {
            // A clean stop says goodbye and lets the exchanges in flight finish within the session's bound.
            long bound = dev.burrow.agent.internal.SessionEngine.STOP_TIMEOUT.toSeconds() + 5;
            closed.transform(ar -> vertx.close()).toCompletionStage().toCompletableFuture().get(bound, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Exiting anyway: nothing more to release than the process itself.
        }
        log.close();
    }
}
