package dev.burrow.agent.testing;

import dev.burrow.mux.LinkRole;
import dev.burrow.mux.MuxOptions;
import dev.burrow.mux.MuxStream;
import dev.burrow.mux.StreamMultiplexer;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal edge for SDK tests: TLS listener, the real multiplexer as acceptor, AUTH (one token), BIND (names
 * under "localhost", ports from 30000) and a way to open streams to the agent, to kill links and to send GO_AWAY.
 * Several instances sharing one certificate act as the nodes of a cluster: each answers AUTH with the
 * {@link #edgeNodes(List) addresses} it is given. Not the real edge: end-to-end tests with it live in test-support.
 */
public final class FakeEdge {
    public static final String TOKEN = "test-token";

    private final Vertx vertx;
    private final SelfSignedCertificate certificate;
    private final List<StreamMultiplexer> links = new CopyOnWriteArrayList<>();
    private final List<String> linkSources = new CopyOnWriteArrayList<>();
    private final Map<String, String> endpointByHost = new ConcurrentHashMap<>();
    private final AtomicInteger nextEndpoint = new AtomicInteger(1);
    private final AtomicInteger nextSession = new AtomicInteger(1);
    private final AtomicInteger auths = new AtomicInteger();
    private final List<ControlMessage.Auth> authMessages = new CopyOnWriteArrayList<>();
    private final List<ControlMessage.Bind> binds = new CopyOnWriteArrayList<>();
    private final List<ControlMessage.BindResult> bindResults = new CopyOnWriteArrayList<>();
    private final List<String> unbinds = new CopyOnWriteArrayList<>();
    private volatile List<String> edgeNodes = List.of();
    private final List<ControlMessage.UpdatePolicy> policyUpdates = new CopyOnWriteArrayList<>();
    private volatile boolean updatesPolicies = true;
    private final AtomicInteger rateLimitedAuths = new AtomicInteger();
    private final AtomicInteger unavailableBinds = new AtomicInteger();
    private final AtomicInteger goodbyes = new AtomicInteger();
    private volatile long rateLimitRetryAfterMillis;
    private volatile java.util.function.Function<String, StreamOpen> streamBeforeBindResult;
    private final List<MuxStream> earlyStreams = new CopyOnWriteArrayList<>();
    private volatile boolean requestBeforeBindResult;
    private final List<Future<Exchange>> earlyExchanges = new CopyOnWriteArrayList<>();
    private volatile Promise<StreamMultiplexer> nextLink = Promise.promise();
    private NetServer server;

    public FakeEdge(Vertx vertx) {
        this(vertx, SelfSignedCertificate.create("localhost"));
    }

    /** A node presenting {@code certificate} (give several nodes the same one, as a cluster's share one CA). */
    public FakeEdge(Vertx vertx, SelfSignedCertificate certificate) {
        this.vertx = vertx;
        this.certificate = certificate;
    }

    /** The agent-link addresses of the cluster's other nodes, sent in every later AUTH_RESULT. */
    public FakeEdge edgeNodes(List<String> addresses) {
        this.edgeNodes = List.copyOf(addresses);
        return this;
    }

    /**
     * Opens a stream ({@code openFor} the new endpoint's id) on the link just before each BIND_RESULT, as a cluster
     * node may when its registry lists a bind before the agent heard the answer; see {@link #earlyStreams()}.
     */
    public FakeEdge streamBeforeBindResult(java.util.function.Function<String, StreamOpen> openFor) {
        this.streamBeforeBindResult = openFor;
        return this;
    }

    public List<MuxStream> earlyStreams() {
        return List.copyOf(earlyStreams);
    }

    /**
     * As {@link #streamBeforeBindResult}, and sends a body-less request on each early stream (OPEN and END) before the
     * BIND_RESULT, as a public GET does; see {@link #earlyExchanges()}.
     */
    public FakeEdge requestBeforeBindResult(java.util.function.Function<String, StreamOpen> openFor) {
        this.requestBeforeBindResult = true;
        return streamBeforeBindResult(openFor);
    }

    public List<Future<Exchange>> earlyExchanges() {
        return List.copyOf(earlyExchanges);
    }

    /**
     * Refuses the next {@code count} AUTHs with AUTH_RATE_LIMITED and {@code retryAfterMillis}, and closes those
     * links, as an edge does for an address that sent too many unknown tokens.
     */
    public FakeEdge rateLimitNextAuths(int count, long retryAfterMillis) {
        this.rateLimitRetryAfterMillis = retryAfterMillis;
        this.rateLimitedAuths.set(count);
        return this;
    }

    /** "localhost:port", the address agents dial (the certificate names localhost). */
    public String address() {
        return "localhost:" + port();
    }

    public Future<FakeEdge> start(int port) {
        server = vertx.createNetServer(new NetServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions()));
        server.connectHandler(socket -> {
            linkSources.add(socket.remoteAddress().host());
            StreamMultiplexer mux = new StreamMultiplexer(vertx, socket, LinkRole.ACCEPTOR,
                    // Pings every 200 ms, but a loaded machine may stall the agent's event loop longer than three
                    // of them (first use of the upstream client); this fake is not what tests link liveness.
                    MuxOptions.defaults("fake-edge").withHeartbeatInterval(Duration.ofMillis(200))
                            .withHeartbeatSilenceAllowed(Duration.ofSeconds(5)));
            mux.controlHandler(message -> onControl(mux, message));
            mux.closeHandler(reason -> links.remove(mux));
            mux.start();
        });
        return server.listen(port, "127.0.0.1").map(s -> this);
    }

    private void onControl(StreamMultiplexer mux, ControlMessage message) {
        if (message instanceof ControlMessage.Auth auth) {
            auths.incrementAndGet();
            authMessages.add(auth);
            if (rateLimitedAuths.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                long wait = rateLimitRetryAfterMillis;
                String why = "too many unknown authtokens from 127.0.0.1 lately; try again in " + Math.max(1, wait / 1000) + " s";
                mux.sendControl(ControlMessage.AuthResult.refusedFor(ErrorCode.AUTH_RATE_LIMITED, why, wait));
                mux.close(ErrorCode.AUTH_RATE_LIMITED, why);
                return;
            }
            if (!TOKEN.equals(auth.authtoken())) {
                mux.sendControl(ControlMessage.AuthResult.refused(ErrorCode.AUTH_FAILED, "the authtoken was not accepted"));
                return;
            }
            String session = auth.resumeSessionId() != null ? auth.resumeSessionId() : "s" + nextSession.getAndIncrement();
            mux.sendControl(ControlMessage.AuthResult.accepted(session, 200, edgeNodes)
                    .withFeatures(updatesPolicies ? List.of(ControlMessage.FEATURE_TRAILERS, ControlMessage.AuthResult.FEATURE_UPDATE_POLICY)
                            : List.of(ControlMessage.FEATURE_TRAILERS)));
            links.add(mux);
            Promise<StreamMultiplexer> waiting = nextLink;
            nextLink = Promise.promise();
            waiting.complete(mux);
        } else if (message instanceof ControlMessage.Bind bind) {
            binds.add(bind);
            String host = bind.hostname() != null ? bind.hostname()
                    : (bind.subdomain() != null ? bind.subdomain() : "random" + nextEndpoint.get()) + ".localhost";
            String id = "ep" + nextEndpoint.getAndIncrement();
            if (unavailableBinds.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                mux.sendControl(new ControlMessage.BindResult(bind.requestId(), false, null, null, ErrorCode.CLUSTER_UNAVAILABLE,
                        "this edge node is cut off from the majority of its cluster and cannot hand out endpoints now"));
                return;
            }
            if (host.startsWith("taken.")) {
                mux.sendControl(new ControlMessage.BindResult(bind.requestId(), false, null, null, ErrorCode.HOSTNAME_IN_USE,
                        "hostname " + host + " is already bound by another agent session"));
                return;
            }
            endpointByHost.put(host, id);
            String url = bind.proto().equals("tcp") ? "tcp://localhost:" + (bind.port() == 0 ? 30000 : bind.port())
                    : "http://" + host + ":8080";
            ControlMessage.BindResult result = new ControlMessage.BindResult(bind.requestId(), true, id, url, null, null);
            bindResults.add(result);
            java.util.function.Function<String, StreamOpen> early = streamBeforeBindResult;
            if (early != null) {
                MuxStream stream = mux.openStream(early.apply(id));
                earlyStreams.add(stream);
                if (requestBeforeBindResult) {
                    earlyExchanges.add(exchange(stream, null));
                }
            }
            mux.sendControl(result);
        } else if (message instanceof ControlMessage.UpdatePolicy update) {
            policyUpdates.add(update);
            mux.sendControl(update.trafficPolicy() != null && update.trafficPolicy().contains("teleport")
                    ? ControlMessage.UpdatePolicyResult.refused(update.requestId(), ErrorCode.INVALID_TRAFFIC_POLICY,
                    "traffic_policy:3:15: action 'teleport' is not supported by Burrow")
                    : ControlMessage.UpdatePolicyResult.accepted(update.requestId()));
        } else if (message instanceof ControlMessage.Unbind unbind) {
            unbinds.add(unbind.endpointId());
        } else if (message instanceof ControlMessage.Goodbye) {
            goodbyes.incrementAndGet();
            mux.sendControl(new ControlMessage.GoodbyeResult(0));
        }
    }

    /** The policy updates agents sent; a document containing "teleport" is refused as one that does not compile. */
    public List<ControlMessage.UpdatePolicy> policyUpdates() {
        return policyUpdates;
    }

    /** Like an edge that predates live policy changes: its auth result names no such feature. */
    public FakeEdge withoutPolicyUpdates() {
        this.updatesPolicies = false;
        return this;
    }

    /** Completes with the next link that authenticates. */
    public Future<StreamMultiplexer> nextLink() {
        return nextLink.future();
    }

    public StreamMultiplexer link() {
        return links.get(links.size() - 1);
    }

    public String endpointId(String host) {
        return endpointByHost.get(host);
    }

    public MuxStream open(StreamOpen open) {
        return link().openStream(open);
    }

    /** An HTTP exchange as the edge saw it: the response head and the whole response body. */
    public record Exchange(HttpResponseHead head, Buffer body) {
    }

    /** Opens {@code open} on the latest link, sends {@code requestBody} (or nothing) and ends; completes with the response. */
    public Future<Exchange> exchange(StreamOpen open, Buffer requestBody) {
        return exchange(open(open), requestBody);
    }

    /** Sends {@code requestBody} (or nothing) on an opened HTTP stream and ends it; completes with the response. */
    public static Future<Exchange> exchange(MuxStream stream, Buffer requestBody) {
        Promise<Exchange> done = Promise.promise();
        HttpResponseHead[] head = new HttpResponseHead[1];
        Buffer body = Buffer.buffer();
        stream.headersHandler(h -> head[0] = h);
        stream.handler(body::appendBuffer);
        stream.endHandler(v -> done.tryComplete(new Exchange(head[0], body)));
        stream.exceptionHandler(done::tryFail);
        if (requestBody != null) {
            stream.write(requestBody);
        }
        stream.end();
        return done.future();
    }

    public int auths() {
        return auths.get();
    }

    /** Refuses the next {@code count} BINDs with CLUSTER_UNAVAILABLE (a temporary refusal), as a node in the minority. */
    public FakeEdge refuseBindsAsUnavailable(int count) {
        unavailableBinds.set(count);
        return this;
    }

    /** GOODBYE messages received (each answered with a GOODBYE_RESULT). */
    public int goodbyes() {
        return goodbyes.get();
    }

    public List<ControlMessage.Auth> authMessages() {
        return authMessages;
    }

    /** Every BIND received, in order. */
    public List<ControlMessage.Bind> binds() {
        return binds;
    }

    /** Every successful BIND_RESULT sent, in order. */
    public List<ControlMessage.BindResult> bindResults() {
        return bindResults;
    }

    /** The endpoint ids of every UNBIND received, in order. */
    public List<String> unbinds() {
        return unbinds;
    }

    /** Authenticated links that are still open. */
    public List<StreamMultiplexer> links() {
        return List.copyOf(links);
    }

    /** Sends GO_AWAY (GOING_AWAY) on every link, as a node that starts draining; the links stay open. */
    public void goAway() {
        links.forEach(link -> link.goAway(ErrorCode.GOING_AWAY, "node draining"));
    }

    /** Drops every link abruptly (like a crashed node), without GO_AWAY. */
    public void killLinks() {
        links.forEach(link -> link.close(ErrorCode.INTERNAL_ERROR, "killed by test"));
    }

    /** The IP address each link came from, in the order they connected. */
    public List<String> linkSources() {
        return List.copyOf(linkSources);
    }

    public int port() {
        return server.actualPort();
    }

    public Path caFile() {
        return Path.of(certificate.certificatePath());
    }

    public Future<Void> close() {
        return server.close();
    }
}
