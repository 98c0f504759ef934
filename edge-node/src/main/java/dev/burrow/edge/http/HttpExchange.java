package dev.burrow.edge.http;

import dev.burrow.edge.chain.Chains;
import dev.burrow.edge.chain.Exchange;
import dev.burrow.edge.chain.TrailLines;
import dev.burrow.edge.chain.PublicConnection;
import dev.burrow.edge.config.DurationText;
import dev.burrow.edge.config.StreamTimeouts;
import dev.burrow.edge.link.AgentLink;
import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.registry.EndpointState;
import dev.burrow.edge.registry.Hostnames;
import dev.burrow.edge.relay.Contexts;
import dev.burrow.edge.relay.BatchingPump;
import dev.burrow.mux.MuxStream;
import dev.burrow.mux.StreamResetException;
import dev.burrow.policy.ResponseBodyEncoder;
import dev.burrow.policy.Verdict;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.PooledPayloads;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.HostAndPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One public HTTP request and its response, relayed over one stream: the request head goes in the OPEN frame, the
 * body follows with backpressure and a half-close; the agent's HEADERS become the response head and its data the
 * body. A 101 answer to an upgrade request turns the exchange into a raw byte pipe ({@link UpgradeBridge}).
 * Failures before the response started become an error page; after it, the client connection is aborted. The
 * request and response heads pass the module chains ({@link Chains}) once per exchange: what they forward, answer or
 * edit is theirs to decide; this class only moves the exchange along.
 */
final class HttpExchange {
    private static final Logger LOG = LoggerFactory.getLogger(HttpExchange.class);
    /** Bytes the client connection may have queued before the response body pauses the stream. */
    static final int RESPONSE_WRITE_QUEUE_BYTES = 256 * 1024;
    /** Tries of a bodiless idempotent request whose link or relay died before any answer (a node lost mid-flight). */
    private static final int MAX_ATTEMPTS = 3;
    /**
     * How long a request whose endpoint has no live link waits for one before its 502: while an agent's link moves to
     * another node (a rolling restart, a drain) or a restarted node learns the links, the gap lasts well under a
     * second. Nothing was sent anywhere yet, so waiting is safe for any method; the request stays paused meanwhile.
     */
    static final long OFFLINE_WAIT_MILLIS = 2_000;
    private static final long OFFLINE_POLL_MILLIS = 100;
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Context requestContext;
    private final EndpointRegistry registry;
    private final AgentLinks links;
    private final Chains chains;
    private final PublicConnection connection;
    private final StreamTimeouts timeouts;
    private final ListenerRules rules;
    private volatile ScheduledFuture<?> responseTimer;
    private final AtomicBoolean responseStarted = new AtomicBoolean();
    private volatile boolean done;
    private volatile boolean upgraded;
    private String host;
    private String rawHost;
    private int attempts;
    /** Built once the request chain ran (not again on a retry); null before. */
    private Exchange exchange;
    private HttpRequestHead forwardHead;
    private long offlineSince;
    private boolean upgrade;
    private boolean bodiless;
    private volatile MuxStream stream;
    /** The pump of the response body, once the agent's head came; given back (cancelled) when the client goes. */
    private volatile BatchingPump responsePump;
    private Context linkContext;
    private UpgradeBridge bridge;
    private RequestBodyIdle bodyIdle;
    /** How many times a policy forwarded this exchange to an internal endpoint (forward-internal); 0 for none. */
    private int internalHops;
    /** The endpoint whose policy forwarded last; its account is the only one whose internal endpoints it reaches. */
    private Endpoint forwardedFrom;

    HttpExchange(HttpServerRequest request, Context requestContext, EndpointRegistry registry, AgentLinks links,
                 Chains chains, PublicConnection connection, StreamTimeouts timeouts, ListenerRules rules) {
        this.chains = chains;
        this.connection = connection;
        this.rules = rules;
        this.timeouts = timeouts;
        this.request = request;
        this.response = request.response();
        this.requestContext = requestContext;
        this.registry = registry;
        this.links = links;
    }

    /** Call on the request's context, in the request handler. */
    void start() {
        request.pause();
        rawHost = rawHost();
        host = Hostnames.normalize(rawHost);
        if (host == null) {
            fail(400, "Bad request", "the request has no Host header, so the edge cannot tell which tunnel it is for");
            return;
        }
        response.closeHandler(v -> onClientGone());
        request.exceptionHandler(error -> LOG.debug("http {}: client connection error: {}", host, error.toString()));
        lookUpAndRoute();
    }

    private void lookUpAndRoute() {
        attempts++;
        lookUp();
    }

    private void lookUp() {
        if (internalHops == 0 && InternalTargets.hiddenFromPublic(host)) {
            route(Future.succeededFuture(), rawHost);
            return;
        }
        // Once forwarded, the name is an internal one of the forwarding endpoint's account (looked up again on a retry).
        Future<Endpoint> found = internalHops == 0 ? registry.lookupHostname(host)
                : registry.lookupInternal(forwardedFrom.ownerKey(), host);
        found.onComplete(ar -> Contexts.run(requestContext, () -> route(ar, rawHost)));
    }

    /** Looks the endpoint up again shortly, within {@link #OFFLINE_WAIT_MILLIS}; false once that time is over. */
    private boolean waitForLink() {
        long now = System.nanoTime();
        if (offlineSince == 0) {
            offlineSince = now;
        }
        if (done || now - offlineSince >= java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(OFFLINE_WAIT_MILLIS)) {
            return false;
        }
        requestContext.owner().setTimer(OFFLINE_POLL_MILLIS, id -> Contexts.run(requestContext, () -> {
            if (!done) {
                lookUp();
            }
        }));
        return true;
    }

    private String rawHost() {
        HostAndPort authority = request.authority();
        if (authority != null) {
            return authority.port() >= 0 ? authority.host() + ":" + authority.port() : authority.host();
        }
        return request.headers().get("host");
    }

    private void route(AsyncResult<Endpoint> lookup, String rawHost) {
        if (lookup.failed()) {
            LOG.warn("http {}: endpoint lookup failed: {}", host, lookup.cause().toString());
            fail(502, "Bad gateway", "the edge could not look up the tunnel " + host + "; try again");
            return;
        }
        Endpoint found = lookup.result();
        Endpoint endpoint = internalHops == 0 || InternalTargets.reachable(forwardedFrom, found) ? found : null;
        ListenerRules.Refusal refusal = internalHops > 0 ? null : rules.check(request, host, endpoint, chains.endpointTls());
        if (refusal != null) {
            refusal.addHeaders(response);
            fail(refusal.status(), refusal.title(), refusal.sentence());
            return;
        }
        if (endpoint == null) {
            notFound();
            return;
        }
        if (exchange == null) {
            upgrade = HeaderRules.isUpgradeRequest(request);
            exchange = new Exchange(request, connection, endpoint, rawHost, upgrade);
            Future<Verdict> verdict = chains.onRequest(exchange);
            if (verdict.isComplete()) {
                onRequestVerdict(verdict, endpoint);
            } else {
                verdict.onComplete(ar -> Contexts.run(requestContext, () -> onRequestVerdict(ar, endpoint)));
            }
            return;
        }
        forward(endpoint);
    }

    /** What the request chain decided; on the request's context. */
    private void onRequestVerdict(AsyncResult<Verdict> verdict, Endpoint endpoint) {
        if (done) {
            return;
        }
        if (verdict.failed()) {
            LOG.warn("http {} {}: a module failed: {}", host, request.uri(), verdict.cause().toString());
            fail(500, "Internal error", "the edge could not process the request for " + host + "; try again");
        } else if (verdict.result() instanceof Verdict.Respond answer) {
            responseStarted.set(true);
            answer(answer);
        } else if (verdict.result() instanceof Verdict.ForwardInternal forward) {
            forwardInternally(forward, endpoint);
        } else if (verdict.result() instanceof Verdict.Close close) {
            LOG.info("http {} {}: closing the connection ({}: {})", host, request.uri(), close.action(), close.reason());
            responseStarted.set(true);
            done = true;
            request.connection().close();
        } else {
            forwardHead = exchange.forwardHead();
            forward(endpoint);
        }
    }

    /** A policy sent the exchange to an internal endpoint; on the request's context. */
    private void forwardInternally(Verdict.ForwardInternal forward, Endpoint from) {
        if (++internalHops > InternalTargets.MAX_HOPS) {
            fail(508, "Loop detected", "the traffic policies forward this request more than " + InternalTargets.MAX_HOPS
                    + " times (forward-internal to " + forward.url() + "); the edge refuses the chain");
            return;
        }
        InternalTargets.resolve(registry, from, forward.url())
                .onComplete(ar -> Contexts.run(requestContext, () -> onInternalTarget(ar, from, forward)));
    }

    private void onInternalTarget(AsyncResult<Endpoint> lookup, Endpoint from, Verdict.ForwardInternal forward) {
        if (done) {
            return;
        }
        String name = dev.burrow.policy.InternalUrl.hostOf(forward.url());
        if (lookup.failed()) {
            LOG.warn("http {}: endpoint lookup failed: {}", name, lookup.cause().toString());
            fail(502, "Bad gateway", "the edge could not look up the tunnel " + name + "; try again");
            return;
        }
        Endpoint target = lookup.result();
        if (target == null) {
            fail(404, "Tunnel " + name + " not found", "Tunnel " + name + " not found: no agent serves this hostname on this edge.");
            return;
        }
        forwardedFrom = from;
        host = target.hostname();
        exchange = exchange.forwardedTo(target);
        Future<Verdict> verdict = chains.onInternalRequest(exchange);
        if (verdict.isComplete()) {
            onRequestVerdict(verdict, target);
        } else {
            verdict.onComplete(ar -> Contexts.run(requestContext, () -> onRequestVerdict(ar, target)));
        }
    }

    private void forward(Endpoint endpoint) {
        AgentLink link = endpoint.state() == EndpointState.ONLINE ? links.find(endpoint) : null;
        if (link == null) {
            // Only an endpoint the registry calls online is waited for: one marked offline lost its agent (killed,
            // cut off) and answers at once, so a client can fail over without waiting.
            if (endpoint.state() != EndpointState.ONLINE || !waitForLink()) {
                answerNoLink(endpoint);
            }
            return;
        }
        linkContext = link.context();
        bodiless = !upgrade && HeaderRules.hasNoBody(request);
        if (bodiless && attempts == 1) {
            // Nothing to relay: let the request end here, so that the stream can be ended with its OPEN, in one hop.
            request.handler(data -> { }).endHandler(v -> { }).resume();
        }
        StreamOpen open = StreamOpen.http(endpoint.id(), connection.clientIp(), forwardHead);
        link.openStream(link.takesPolicyTrail() ? open.withPolicyTrail(TrailLines.of(exchange.policy())) : open)
                .onComplete(opened -> Contexts.run(linkContext, () -> {
                    if (opened.succeeded()) {
                        wireStream(opened.result());
                    } else {
                        onStreamFailed(opened.cause());
                    }
                }));
    }

    /**
     * Wires the opened stream; on the link's context, where the stream's handlers are set without a hop. The
     * request body then starts flowing from the request's context (one hop).
     */
    private void wireStream(MuxStream opened) {
        stream = opened;
        if (done) {
            opened.reset(ErrorCode.STREAM_CANCELLED, "the public client closed the connection");
            return;
        }
        opened.exceptionHandler(this::onStreamFailed);
        opened.headersHandler(this::onResponseHead);
        if (bodiless) {
            opened.end();
            awaitResponseHead();
            return;
        }
        if (upgrade) {
            awaitResponseHead();
        }
        // MuxStream.write is safe from any thread and writeQueueFull() is exact on the writer's thread, so the
        // body is written straight from the request's loop; the stream's drain (on this loop) resumes it there.
        opened.drainHandler(v -> Contexts.run(requestContext, request::resume));
        Contexts.run(requestContext, this::relayRequestBody);
    }

    /** On the request's context. */
    private void relayRequestBody() {
        if (done) {
            return;
        }
        MuxStream target = stream;
        Buffer checkedBody = exchange.bufferedBody();
        if (checkedBody != null) {
            // A policy read the body whole (verify-webhook): exactly the bytes it checked go on.
            if (checkedBody.length() > 0) {
                target.write(checkedBody);
            }
            target.end();
            awaitResponseHead();
            return;
        }
        bodyIdle = RequestBodyIdle.start(requestContext, upgrade ? java.time.Duration.ZERO : timeouts.requestBodyIdle(),
                target::writeQueueFull, this::onRequestBodyIdle);
        request.handler(data -> {
            bodyIdle.progress();
            target.write(data);
            if (target.writeQueueFull()) {
                request.pause();
            }
        });
        request.endHandler(v -> {
            bodyIdle.stop();
            if (!upgrade) {
                target.end();
                awaitResponseHead();
            }
        });
        request.resume();
    }

    /**
     * The client sent no body byte for the body idle timeout: the exchange is given up with a 408. On the request's
     * context.
     */
    private void onRequestBodyIdle() {
        if (done) {
            return;
        }
        String sentence = "the request body stopped arriving: no byte for " + DurationText.format(timeouts.requestBodyIdle())
                + " (--http-body-idle-timeout)";
        LOG.info("http {} {}: {}", host, request.uri(), sentence);
        giveUpRequestBody(408, "Request timeout", sentence, "the public client stopped sending the request body");
    }

    /**
     * The edge stopped reading the request body (HTTP/1: it came in too many small chunks); the refusal was logged. On
     * the connection's event loop.
     */
    void requestBodyRefused(HeadRefusal refusal) {
        Contexts.run(requestContext, () -> {
            if (!done) {
                giveUpRequestBody(refusal.status(), refusal.phrase(), refusal.sentence(),
                        "the edge refused the public client's request body: " + refusal.reason());
            }
        });
    }

    /**
     * The request body will not arrive whole: the stream is reset (the upstream sees its request aborted) and the client
     * gets {@code status} (HTTP/1: and the connection closes; HTTP/2: and only that stream ends), or, if the response
     * already started, loses the connection (HTTP/2: the stream). On the request's context.
     */
    private void giveUpRequestBody(int status, String title, String sentence, String resetReason) {
        done = true;
        cancelResponseTimer();
        if (bodyIdle != null) {
            bodyIdle.stop();
        }
        MuxStream current = stream;
        if (current != null) {
            current.reset(ErrorCode.STREAM_CANCELLED, resetReason);
        }
        if (responseStarted.compareAndSet(false, true)) {
            // Over HTTP/2 only this stream ends (RST_STREAM NO_ERROR after the answer, RFC 9113 §8.1); its neighbours go on.
            boolean http2 = request.version() == io.vertx.core.http.HttpVersion.HTTP_2;
            ErrorPages.send(response, status, title, sentence, !http2)
                    .onComplete(ar -> {
                        if (http2) {
                            response.reset(0);
                        } else {
                            request.connection().close();
                        }
                    });
        } else {
            ResponseAbort.abort(request);
        }
    }

    /**
     * Starts the bound on the agent's answer, once the request was relayed: the agent times its upstream out first
     * and names it; this is for an agent that says nothing. On the link's or the request's context. The timer is
     * Netty's, on the caller's loop, because nearly every request cancels it: Vert.x's own timers add a map entry
     * and a handler per request on top (docs/benchmarks.md, session 12). It fires onto the caller's context.
     */
    private void awaitResponseHead() {
        Context current = Vertx.currentContext();
        ContextInternal here = (ContextInternal) (current != null ? current : requestContext);
        responseTimer = here.nettyEventLoop().schedule(() -> here.runOnContext(v -> onResponseTimeout()),
                timeouts.response().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onResponseTimeout() {
        if (done || !responseStarted.compareAndSet(false, true)) {
            return;
        }
        done = true;
        String sentence = "the agent for " + host + " did not answer within " + DurationText.format(timeouts.response());
        LOG.info("http {} {}: 504: {}", host, request.uri(), sentence);
        MuxStream current = stream;
        if (current != null) {
            current.reset(ErrorCode.STREAM_CANCELLED, "the edge gave up waiting for the response head");
        }
        Contexts.run(requestContext, () -> sendError(504, "Gateway timeout", sentence));
    }

    private void cancelResponseTimer() {
        ScheduledFuture<?> timer = responseTimer;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** The agent's response head; on the link's context. */
    private void onResponseHead(HttpResponseHead head) {
        cancelResponseTimer();
        if (!responseStarted.compareAndSet(false, true)) {
            stream.reset(ErrorCode.STREAM_CANCELLED, "the edge already answered the client");
            return;
        }
        exchange.responseHead(head);
        Verdict verdict = chains.onResponse(exchange);
        if (!Chains.proceeds(verdict)) {
            stream.reset(ErrorCode.STREAM_CANCELLED, "the edge answers the client itself");
            if (verdict instanceof Verdict.Respond answer) {
                Contexts.run(requestContext, () -> answer(answer));
            } else {
                done = true;
                Contexts.run(requestContext, () -> request.connection().close());
            }
            return;
        }
        if (exchange.responseStatus() == 101) {
            if (upgrade) {
                upgraded = true;
                bridge = new UpgradeBridge(request, requestContext, stream, linkContext, timeouts.pipeIdle(), this::finish);
                HttpResponseHead switching = new HttpResponseHead(101, exchange.responseReason(), exchange.responseHeaders());
                Contexts.run(requestContext, () -> bridge.switchProtocols(switching));
            } else {
                stream.reset(ErrorCode.PROTOCOL_ERROR, "101 answer to a request that did not ask to upgrade");
                Contexts.run(requestContext, () -> sendError(502, "Bad gateway",
                        "the agent for " + host + " switched protocols on a request that did not ask for it"));
            }
            return;
        }
        if (upgrade) {
            stream.end();
        }
        // Head, body and end cross to the request's loop together when they arrive together (one task, not three),
        // and the response is written on its own loop.
        ResponseBodyEncoder encoder = exchange.bodyEncoder();
        ReencodedBody reencoded = encoder == null ? null : new ReencodedBody(response, encoder);
        Function<Buffer, Future<?>> onEnd = last -> {
            ResponseTrailers.copy(stream, response);
            return (reencoded != null ? reencoded.end(last) : last == null ? response.end() : response.end(last)).onComplete(ar -> {
                ResponseAbort.closeIfDelimitedByClose(request);
                finish();
            });
        };
        BatchingPump pump;
        if (reencoded == null) {
            // The body goes to the client socket as the link's bytes were decoded, in pooled direct memory, and each
            // buffer goes back to the pool once written: no heap copy, and no copy to direct memory by the transport.
            stream.takePooledPayloads();
            pump = BatchingPump.releasing(stream, linkContext, response, requestContext, onEnd, PooledPayloads::release);
        } else {
            pump = BatchingPump.create(stream, linkContext, reencoded, requestContext, onEnd);
        }
        MuxStream bodySource = stream;
        responsePump = pump;
        pump.onFailure(error -> onResponseWriteRefused(bodySource, error))
                .runOnTarget(() -> sendResponseHead(pump, reencoded != null)).start();
    }

    /** The client's response threw on a write (the pump gave back what it held); on the request's context. */
    private void onResponseWriteRefused(MuxStream bodySource, Throwable error) {
        LOG.warn("http {} {}: the response refused a write ({}); resetting the stream", host, request.uri(), error.toString());
        done = true;
        bodySource.reset(ErrorCode.STREAM_CANCELLED, "the edge could not write the response: " + error.getMessage());
        ResponseAbort.abort(request);
    }

    /** On the request's context, before any body byte. */
    private void sendResponseHead(BatchingPump pump, boolean reencoded) {
        try {
            // Netty's default 64 KiB high-water mark would pause the stream, and resume it through two event-loop
            // hand-overs, every 64 KiB of a download; a bounded 256 KiB keeps a fast client's pipe full.
            response.setWriteQueueMaxSize(RESPONSE_WRITE_QUEUE_BYTES);
            HeaderRules.applyResponseHead(exchange.responseStatus(), exchange.responseReason(), exchange.responseHeaders(),
                    response, request.method(), reencoded);
        } catch (RuntimeException e) {
            LOG.warn("http {}: cannot send the agent's response head: {}", host, e.toString());
            pump.cancel();
            stream.reset(ErrorCode.STREAM_CANCELLED, "the edge could not send the response head: " + e.getMessage());
            sendError(502, "Bad gateway", "the agent for " + host + " sent an unusable response head");
        }
    }

    /** The stream was reset (by the agent, or its link dropped); on the link's context. */
    private void onStreamFailed(Throwable error) {
        cancelResponseTimer();
        if (done) {
            return;
        }
        StreamResetException reset = error instanceof StreamResetException e ? e : null;
        ErrorCode code = reset == null ? ErrorCode.INTERNAL_ERROR : reset.code();
        String message = error.getMessage();
        if (retryable(code)) {
            LOG.info("http {} {}: the link failed before any answer ({}: {}); trying another link", host, request.uri(), code, message);
            stream = null;
            requestContext.owner().setTimer(20L * attempts, id -> Contexts.run(requestContext, () -> {
                if (!done) {
                    lookUpAndRoute();
                }
            }));
            return;
        }
        if (upgraded) {
            finish();
            if (bridge != null) {
                bridge.abort();
            }
            return;
        }
        if (responseStarted.compareAndSet(false, true)) {
            String sentence = switch (code) {
                case UPSTREAM_TIMEOUT -> "the agent for " + host + " timed out waiting for its upstream: " + message;
                case UPSTREAM_UNREACHABLE, UPSTREAM_ERROR -> "the agent for " + host + " could not reach its upstream: " + message;
                case GOING_AWAY, HEARTBEAT_TIMEOUT, NO_ERROR -> "the agent for " + host + " went offline before it answered (" + message + ")";
                default -> "the agent for " + host + " failed the request: " + message + " (" + code + ")";
            };
            boolean timedOut = code == ErrorCode.UPSTREAM_TIMEOUT;
            LOG.info("http {} {}: {}: {}", host, request.uri(), timedOut ? 504 : 502, sentence);
            Contexts.run(requestContext, () -> sendError(timedOut ? 504 : 502, timedOut ? "Gateway timeout" : "Bad gateway", sentence));
        } else {
            LOG.debug("http {} {}: stream reset mid-response ({}: {}); aborting the client connection", host, request.uri(), code, message);
            done = true;
            Contexts.run(requestContext, () -> ResponseAbort.abort(request));
        }
    }

    /**
     * Whether the exchange may go to another link: its link or relay died (not the agent's answer, not the client
     * leaving) before any response byte, and the request is idempotent with no body, so sending it again is safe
     * even if the first copy reached the upstream.
     */
    private boolean retryable(ErrorCode code) {
        boolean linkFailure = switch (code) {
            case UPSTREAM_UNREACHABLE, UPSTREAM_TIMEOUT, UPSTREAM_ERROR, STREAM_CANCELLED, PROTOCOL_ERROR -> false;
            default -> true;
        };
        return linkFailure && !done && !upgraded && bodiless && !responseStarted.get() && attempts < MAX_ATTEMPTS
                && IDEMPOTENT.contains(request.method());
    }

    /** The public client went away; on the request's context. */
    private void onClientGone() {
        done = true;
        cancelResponseTimer();
        BatchingPump pump = responsePump;
        if (pump != null) {
            pump.cancel();  // gives back what waits for the gone client's write queue
        }
        if (stream != null) {
            stream.reset(ErrorCode.STREAM_CANCELLED, "the public client closed the connection");
        }
    }

    /** A module's own answer (a Respond verdict); on the request's context. */
    private void answer(Verdict.Respond answer) {
        done = true;
        if (response.headWritten() || response.ended() || response.closed()) {
            return;
        }
        boolean unreadBody = !request.isEnded();
        response.setStatusCode(answer.status());
        response.headers().clear();
        for (java.util.Map.Entry<String, String> header : answer.headers()) {
            response.headers().add(header.getKey(), header.getValue());
        }
        if (unreadBody) {
            ErrorPages.closeAfter(response);
        }
        response.end(Buffer.buffer(answer.body()));
        if (unreadBody) {
            request.handler(data -> { }).endHandler(v -> { }).resume();
        }
    }

    /**
     * No agent link for the endpoint, and no more waiting: 502 "agent offline" while the registry holds the endpoint,
     * 404 once it was removed (this node's copy of the registry shows a removal only when its event arrives).
     */
    private void answerNoLink(Endpoint endpoint) {
        registry.current(endpoint).onComplete(current -> Contexts.run(requestContext, () -> {
            if (done) {
                return;
            }
            if (current.succeeded() && current.result() == null) {
                notFound();
            } else {
                fail(502, "Agent offline", "the agent for " + host + " is offline; it may be reconnecting, try again shortly");
            }
        }));
    }

    private void notFound() {
        fail(404, "Tunnel " + host + " not found", "Tunnel " + host + " not found: no agent serves this hostname on this edge.");
    }

    private void fail(int status, String title, String sentence) {
        responseStarted.set(true);
        sendError(status, title, sentence);
    }

    /** On the request's context. */
    private void sendError(int status, String title, String sentence) {
        done = true;
        boolean unreadBody = !request.isEnded();
        ErrorPages.send(response, status, title, sentence, unreadBody);
        if (unreadBody) {
            request.handler(data -> { }).endHandler(v -> { }).resume();
        }
    }

    private void finish() {
        done = true;
    }
}
