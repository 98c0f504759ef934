package dev.burrow.agent;

import dev.burrow.agent.internal.SessionEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configures and connects a {@link BurrowSession}. Obtain one from {@link Burrow#withAuthtokenFromEnv()},
 * {@link BurrowSession#builder()} or {@link BurrowSession#builder(Vertx)}.
 */
public final class SessionBuilder {
    /** Where a dev edge listens for agents when nothing else is said. */
    public static final String DEFAULT_SERVER = "localhost:4443";

    private Vertx vertx;
    /** How many links to distinct edge nodes a session keeps when the cluster has that many. */
    public static final int DEFAULT_LINKS = 2;

    private List<String> serverAddresses = List.of(DEFAULT_SERVER);
    private int links = DEFAULT_LINKS;
    private String authtoken;
    private Path edgeCa;
    private Duration heartbeatInterval;
    private Duration heartbeatTolerance;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration stablePeriod = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private String localAddress;
    private final List<SessionListener> listeners = new ArrayList<>();

    /** {@code vertx} may be null: the session then creates its own Vert.x instance and closes it when it closes. */
    SessionBuilder(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * The Vert.x instance to run on (the application's own, which it keeps and closes). Without one the session
     * creates its own (native transport where available) and closes it when the session closes.
     */
    public SessionBuilder vertx(Vertx vertx) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        return this;
    }

    /** The edge's agent-link address, "host:port" (default {@value #DEFAULT_SERVER}). */
    public SessionBuilder serverAddress(String hostAndPort) {
        this.serverAddresses = List.of(Objects.requireNonNull(hostAndPort, "serverAddress"));
        return this;
    }

    /**
     * Agent-link addresses ("host:port") of edge nodes for the first contact, tried in order until one answers.
     * After that the edge names the other nodes of its cluster itself, so one reachable address is enough.
     */
    public SessionBuilder serverAddresses(List<String> hostAndPorts) {
        this.serverAddresses = List.copyOf(Objects.requireNonNull(hostAndPorts, "serverAddresses"));
        return this;
    }

    /**
     * How many links to distinct edge nodes to keep (default {@value #DEFAULT_LINKS}, at most
     * {@value SessionOptions#MAX_LINKS}). Every endpoint is bound on each link, so losing a node loses no endpoint.
     * A cluster with fewer nodes gets one link per node; a lone edge gets one link.
     */
    public SessionBuilder links(int links) {
        this.links = links;
        return this;
    }

    /** The secret the edge expects. Never logged. */
    public SessionBuilder authtoken(String authtoken) {
        this.authtoken = authtoken;
        return this;
    }

    /**
     * A PEM file with the CA certificate to trust for the edge (a dev edge prints the path of its {@code ca.pem});
     * {@code null} (the default) trusts the system trust store. Nothing is ever trusted blindly.
     */
    public SessionBuilder edgeCa(Path pemFile) {
        this.edgeCa = pemFile;
        return this;
    }

    /** How often to ping the edge; a link silent for 3 intervals is declared dead. Default: the edge's choice. */
    public SessionBuilder heartbeatInterval(Duration interval) {
        this.heartbeatInterval = interval;
        return this;
    }

    /**
     * How long a link may stay silent (no frame from the edge) before it is declared dead and replaced. Default:
     * 3 heartbeat intervals. Rounded up to whole intervals.
     */
    public SessionBuilder heartbeatTolerance(Duration tolerance) {
        this.heartbeatTolerance = tolerance;
        return this;
    }

    /** Reconnect delays: full jitter under a bound that starts at {@code initial} and doubles up to {@code max}. */
    public SessionBuilder reconnectBackoff(Duration initial, Duration max) {
        this.initialBackoff = initial;
        this.maxBackoff = max;
        return this;
    }

    /** A link that stays up this long resets the reconnect backoff (default 30 s). */
    public SessionBuilder stablePeriod(Duration period) {
        this.stablePeriod = period;
        return this;
    }

    /** Bound on TCP connect plus TLS handshake to the edge, and on TCP connects to upstreams (default 10 s). */
    public SessionBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    /**
     * The local IP address to dial the edge from (default: the system's choice). One source address gives about
     * 28 000 connections to one edge address (the ephemeral port range), so a load generator spreads over several.
     */
    public SessionBuilder localAddress(String address) {
        this.localAddress = address;
        return this;
    }

    /** Adds an observer of link events (connected, connect failed and retrying, lost, reconnected). */
    public SessionBuilder listener(SessionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Validates the settings; throws {@link IllegalArgumentException} with a precise sentence if one is wrong. */
    public SessionOptions options() {
        return new SessionOptions(serverAddresses, authtoken, edgeCa, heartbeatInterval, heartbeatTolerance,
                initialBackoff, maxBackoff, stablePeriod, connectTimeout, links, localAddress);
    }

    /**
     * Connects and authenticates. While the edge cannot be reached, attempts repeat with backoff (each failure is
     * reported to the listeners as {@link SessionEvent.ConnectFailed}). Fails with a {@link BurrowException} when
     * the edge rejects the authtoken or its certificate is not trusted, or with {@link IllegalArgumentException}
     * for invalid settings.
     */
    public Future<BurrowSession> connect() {
        SessionOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        Vertx owned = vertx == null ? Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)) : null;
        SessionEngine engine = new SessionEngine(owned != null ? owned : vertx, options, listeners);
        Future<BurrowSession> connected = engine.start().map(v -> new BurrowSession(engine));
        if (owned != null) {
            connected.onFailure(failure -> owned.close());
            engine.closed().onComplete(closed -> owned.close());
        }
        return connected;
    }
}
