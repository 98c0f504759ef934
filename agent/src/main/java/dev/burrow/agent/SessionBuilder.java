package dev.burrow.agent;

import dev.burrow.agent.internal.HostPort;
import dev.burrow.agent.internal.SessionEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Configures and connects a {@link BurrowSession}. Obtain one from {@link BurrowSession#builder(Vertx)}. */
public final class SessionBuilder {
    /** Where a dev edge listens for agents when nothing else is said. */
    public static final String DEFAULT_SERVER = "localhost:4443";

    private final Vertx vertx;
    private String serverAddress = DEFAULT_SERVER;
    private String authtoken;
    private Path edgeCa;
    private Duration heartbeatInterval;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration stablePeriod = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private final List<SessionListener> listeners = new ArrayList<>();

    SessionBuilder(Vertx vertx) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
    }

    /** The edge's agent-link address, "host:port" (default {@value #DEFAULT_SERVER}). */
    public SessionBuilder serverAddress(String hostAndPort) {
        this.serverAddress = Objects.requireNonNull(hostAndPort, "serverAddress");
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

    /** Adds an observer of link events (connected, connect failed and retrying, lost, reconnected). */
    public SessionBuilder listener(SessionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Validates the settings; throws {@link IllegalArgumentException} with a precise sentence if one is wrong. */
    public SessionOptions options() {
        HostPort server = HostPort.parse(serverAddress, "edge address");
        return new SessionOptions(server.host(), server.port(), authtoken, edgeCa, heartbeatInterval,
                initialBackoff, maxBackoff, stablePeriod, connectTimeout);
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
        SessionEngine engine = new SessionEngine(vertx, options, listeners);
        return engine.start().map(v -> new BurrowSession(engine));
    }
}
