package dev.burrow.agent.forward;

import dev.burrow.agent.ExchangeObserver;
import dev.burrow.agent.TunnelConnection;
import dev.burrow.net.TcpKeepAlive;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.HttpTrailers;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One HTTP exchange: the edge's request (head from the stream's OPEN, body from its bytes) replayed to the
 * upstream, the response head sent back with {@code writeHeaders} and the body piped into the stream, with
 * backpressure both ways. An upgrade (WebSocket) turns into a raw byte pipe after the upstream's 101.
 * If the client goes away (stream reset) the upstream request is aborted; if the upstream fails, the stream is
 * reset with a code the edge turns into a 502.
 */
final class HttpExchange {
    private static final Logger LOG = LoggerFactory.getLogger(HttpExchange.class);

    private final Vertx vertx;
    private final HttpClient client;
    private final HttpUpstream upstream;
    private final UpstreamTimeouts timeouts;
    private long responseTimer = -1;
    private final TunnelConnection connection;
    private final HttpRequestHead head;
    private final ExchangeObserver.Exchange observed;
    private HttpClientRequest request;
    private boolean aborted;
    private boolean responded;

    HttpExchange(Vertx vertx, HttpClient client, HttpUpstream upstream, UpstreamTimeouts timeouts, TunnelConnection connection,
                 ExchangeObserver observer) {
        this.vertx = vertx;
        this.client = client;
        this.upstream = upstream;
        this.timeouts = timeouts;
        this.connection = connection;
        this.head = connection.requestHead();
        this.observed = ObservedExchanges.begin(observer, connection);
    }

    void start() {
        connection.pause();
        connection.exceptionHandler(this::onClientGone);
        boolean upgrade = HopByHopHeaders.isUpgrade(head.headers());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, String> header : HopByHopHeaders.strip(head.headers(), upgrade)) {
            if (!header.getKey().equalsIgnoreCase("expect")) {
                headers.add(header.getKey(), header.getValue());
            }
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(head.method()))
                .setHost(upstream.host())
                .setPort(upstream.port())
                .setSsl(upstream.ssl())
                .setURI(head.uri())
                .setConnectTimeout(timeouts.connect().toMillis())
                .setHeaders(headers);
        client.request(options).onComplete(ar -> {
            if (ar.failed()) {
                failUpstream(ar.cause());
            } else if (aborted) {
                ar.result().reset();
            } else if (upgrade) {
                startUpgrade(ar.result());
            } else {
                send(ar.result(), headers);
            }
        });
    }

    private void send(HttpClientRequest req, MultiMap headers) {
        request = req;
        if (req.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
            // HTTP/2 carries the Host as :authority; a host header beside it makes the upstream reset the stream.
            String host = req.headers().get("host");
            if (host != null) {
                req.headers().remove("host");
                io.vertx.core.net.HostAndPort authority = io.vertx.core.net.HostAndPort.parseAuthority(host, -1);
                if (authority != null) {
                    req.authority(authority);
                }
            }
        }
        boolean fixedLength = headers.contains("content-length");
        boolean chunked = !fixedLength && head.headers().stream().anyMatch(h -> h.getKey().equalsIgnoreCase("transfer-encoding"));
        req.setChunked(chunked);
        req.response().onComplete(ar -> {
            if (ar.failed()) {
                failUpstream(ar.cause());
            } else {
                relayResponse(ar.result());
            }
        });
        connection.handler(data -> {
            if (!fixedLength && !req.isChunked()) {
                req.setChunked(true);
            }
            observed.requestBody(data);
            write(req, data);
        });
        connection.endHandler(v -> {
            req.end();
            awaitResponseHead();
        });
        connection.resume();
    }

    /** Bounds the upstream's answer from the end of the request; on the exchange's event loop. */
    private void awaitResponseHead() {
        if (responded || aborted) {
            return;
        }
        responseTimer = vertx.setTimer(timeouts.response().toMillis(), id -> {
            responseTimer = -1;
            if (responded || aborted) {
                return;
            }
            aborted = true;
            String message = timeouts.noAnswer(upstream);
            observed.fail(message);
            LOG.debug("{}: {}", connection, message);
            request.reset();
            connection.reset(ErrorCode.UPSTREAM_TIMEOUT, message);
        });
    }

    private void cancelResponseTimer() {
        if (responseTimer >= 0) {
            vertx.cancelTimer(responseTimer);
            responseTimer = -1;
        }
    }

    private void write(WriteStream<Buffer> target, Buffer data) {
        target.write(data);
        if (target.writeQueueFull()) {
            connection.pause();
            target.drainHandler(v -> connection.resume());
        }
    }

    private void relayResponse(HttpClientResponse response) {
        responded = true;
        cancelResponseTimer();
        response.pause();
        HttpResponseHead responseHead = responseHead(response);
        observed.response(responseHead.status(), responseHead.reason(), responseHead.headers());
        connection.writeHeaders(responseHead);
        ReadStream<Buffer> body = observed == ExchangeObserver.IGNORED ? response : new TappedReadStream(response, observed::responseBody);
        UpstreamRelay.body(vertx, body, connection, () -> trailers(response)).onSuccess(v -> observed.end()).onFailure(failure -> {
            observed.fail(failure.getMessage() == null ? failure.toString() : failure.getMessage());
            // Either the client went away (the stream was reset) or the upstream broke off; abort both sides.
            LOG.debug("{}: response relay from {} failed: {}", connection, upstream.address(), failure.toString());
            request.reset();
            connection.reset(ErrorCode.UPSTREAM_ERROR, "upstream " + upstream.address() + " broke off the response");
        });
    }

    private void startUpgrade(HttpClientRequest req) {
        request = req;
        awaitResponseHead();
        req.connect().onComplete(ar -> {
            cancelResponseTimer();
            if (ar.failed()) {
                failUpstream(ar.cause());
                return;
            }
            HttpClientResponse response = ar.result();
            if (response.statusCode() != 101) {
                send101Refusal(response);
                return;
            }
            responded = true;
            HttpResponseHead switched = new HttpResponseHead(101, response.statusMessage(), upgradeHeaders(response));
            observed.response(101, switched.reason(), switched.headers());
            observed.end();
            connection.writeHeaders(switched);
            TcpKeepAlive.enable(req.connection());
            req.exceptionHandler(failure -> LOG.debug("{}: upgraded connection to {}: {}", connection, upstream.address(), failure.toString()));
            NetSocket socket = response.netSocket();
            RawPipe.upgraded(connection, socket, UpstreamRelay.upgraded(vertx, socket, connection), upstream.address());
        });
    }

    /** The upstream declined to switch protocols: relay its ordinary response. */
    private void send101Refusal(HttpClientResponse response) {
        relayResponse(response);
        connection.handler(data -> { });
        connection.endHandler(v -> { });
        connection.resume();
    }

    private static HttpResponseHead responseHead(HttpClientResponse response) {
        return new HttpResponseHead(response.statusCode(), response.statusMessage(),
                HopByHopHeaders.strip(entries(response.headers()), false));
    }

    /** The upstream's trailer fields (HTTP/2 trailers, or those of a chunked HTTP/1.1 body); null when it sent none. */
    private static HttpTrailers trailers(HttpClientResponse response) {
        MultiMap fields = response.trailers();
        return fields == null || fields.isEmpty() ? null : new HttpTrailers(entries(fields));
    }

    private static List<Map.Entry<String, String>> upgradeHeaders(HttpClientResponse response) {
        return HopByHopHeaders.strip(entries(response.headers()), true);
    }

    private static List<Map.Entry<String, String>> entries(MultiMap headers) {
        List<Map.Entry<String, String>> list = new ArrayList<>(headers.size());
        headers.forEach(header -> list.add(Map.entry(header.getKey(), header.getValue())));
        return list;
    }

    private void onClientGone(Throwable reason) {
        if (aborted) {
            return;
        }
        aborted = true;
        cancelResponseTimer();
        observed.fail("the client went away (" + reason.getMessage() + ")");
        LOG.debug("{}: the client went away ({}); aborting the upstream request", connection, reason.getMessage());
        if (request != null) {
            request.reset();
        }
    }

    private void failUpstream(Throwable failure) {
        if (aborted) {
            return;
        }
        UpstreamFailures.Failure mapped = UpstreamFailures.classify(failure, upstream.address());
        observed.fail(mapped.message());
        LOG.debug("{}: {}", connection, mapped.message());
        if (responded) {
            connection.reset(ErrorCode.UPSTREAM_ERROR, mapped.message());
        } else {
            connection.reset(mapped.code(), mapped.message());
        }
    }
}
