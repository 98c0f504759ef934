package dev.burrow.agent;

import dev.burrow.agent.internal.SessionEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * A connection to a Burrow edge that serves public endpoints for this process.
 *
 * <pre>{@code
 * BurrowSession session = BurrowSession.builder(vertx)
 *         .serverAddress("localhost:4443").authtoken(token).edgeCa(Path.of("burrow-data/ca.pem"))
 *         .connect().await();
 * Forwarder web = session.httpEndpoint().subdomain("demo").forward(URI.create("http://localhost:3000")).await();
 * System.out.println(web.publicUrl());   // http://demo.localhost:8080
 * }</pre>
 *
 * <p>The session keeps TLS 1.3 links to {@link SessionBuilder#links(int) two} distinct edge nodes when the cluster
 * has them (the edge names its other nodes after authentication) and binds every endpoint on each, so losing a node
 * loses no endpoint. A lost link is redialed with jittered exponential backoff; the session is resumed and every
 * endpoint bound again at the same public address. A node that drains (GO_AWAY) is replaced before its link closes.
 * Methods may be called from any thread.
 */
public final class BurrowSession {
    private final SessionEngine engine;

    BurrowSession(SessionEngine engine) {
        this.engine = engine;
    }

    /** Starts configuring a session that runs on {@code vertx} (the application keeps and closes it). */
    public static SessionBuilder builder(Vertx vertx) {
        return new SessionBuilder(java.util.Objects.requireNonNull(vertx, "vertx"));
    }

    /** Starts configuring a session that creates its own Vert.x instance and closes it when the session closes. */
    public static SessionBuilder builder() {
        return new SessionBuilder(null);
    }

    /** Starts configuring an HTTP endpoint (a public hostname on the edge's HTTP port). */
    public HttpEndpointBuilder httpEndpoint() {
        return new HttpEndpointBuilder(engine);
    }

    /** Starts configuring a UDP endpoint (a public UDP port on the edge). */
    public UdpEndpointBuilder udpEndpoint() {
        return new UdpEndpointBuilder(engine);
    }

    /** Starts configuring a TCP endpoint (a public port on the edge). */
    public TcpEndpointBuilder tcpEndpoint() {
        return new TcpEndpointBuilder(engine);
    }

    /**
     * Starts configuring a TLS endpoint: a hostname on the edge's HTTPS port, routed by the SNI of each visitor's
     * ClientHello without terminating TLS; the raw TLS bytes are piped to the upstream, which holds the certificate.
     * Give {@link TcpEndpointBuilder#hostname} or {@link TcpEndpointBuilder#subdomain} (or neither for a random name).
     */
    public TcpEndpointBuilder tlsEndpoint() {
        return new TcpEndpointBuilder(engine).tls();
    }

    /** The edge's id of this session (kept across reconnects when the edge allows resuming). */
    public String sessionId() {
        return engine.sessionId();
    }

    /** True while a link to the edge is up. */
    public boolean isConnected() {
        return engine.isConnected();
    }

    /** The live links to edge nodes, as of the last change. */
    public List<LinkInfo> links() {
        return engine.links();
    }

    /** The shortest heartbeat round trip to an edge node over the live links, or null before the first heartbeat. */
    public java.time.Duration latency() {
        return engine.latency();
    }

    /** The endpoints currently open in this session, in the order they were opened. */
    public List<Endpoint> endpoints() {
        return engine.endpoints();
    }

    /** Adds an observer of link events. */
    public BurrowSession addListener(SessionListener listener) {
        engine.addListener(listener);
        return this;
    }

    /** Closes every endpoint, the link and all timers and upstream connections. Idempotent. */
    public Future<Void> close() {
        return engine.close();
    }

    /** Completes when the session is closed, by {@link #close()} or by a fatal failure. */
    public Future<Void> closed() {
        return engine.closed();
    }

    /** The Vert.x instance the session runs on (its own, or the one it was given). */
    Vertx vertx() {
        return engine.vertx();
    }

    @Override
    public String toString() {
        return "BurrowSession[" + engine + "]";
    }
}
