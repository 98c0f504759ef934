package dev.burrow.agent.inspect;

import dev.burrow.agent.ExchangeObserver;
import dev.burrow.agent.forward.HopByHopHeaders;
import dev.burrow.agent.forward.HttpUpstream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sends a captured request again, possibly changed, from the agent to the endpoint's upstream (as ngrok's replay
 * does: the public side is not involved) and keeps the new exchange in the store, marked as a replay.
 * The response streams through a bounded capture; nothing is buffered whole.
 */
final class Replayer {
    /** How long a replay waits for the upstream to send anything (head or body) before it is stored as failed. */
    static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofSeconds(30);

    private final ExchangeStore store;
    private final CaptureBudget budget;
    private final java.time.Duration timeout;
    private final HttpClientAgent client;

    Replayer(Vertx vertx, ExchangeStore store, CaptureBudget budget, java.time.Duration timeout) {
        this.store = store;
        this.budget = budget;
        this.timeout = timeout;
        this.client = vertx.createHttpClient(new HttpClientOptions().setDecompressionSupported(false).setConnectTimeout(10_000));
    }

    /** Fails with {@link IllegalStateException} (sentence for the user) when the original's body was cut. */
    Future<Void> replay(CapturedExchange original, ReplayRequest change, String tunnelName, HttpUpstream upstream, int maxBodyBytes) {
        byte[] body = change.body();
        if (body == null) {
            if (original.requestBody().truncated()) {
                return Future.failedFuture(new IllegalStateException("the captured request body was cut at "
                        + original.requestBody().bytes().length + " of " + original.requestBody().size()
                        + " bytes; replay it with a body of your own"));
            }
            body = original.requestBody().bytes();
        }
        String method = change.method() != null ? change.method() : original.method();
        String uri = change.uri() != null ? change.uri() : original.uri();
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Map.Entry<String, String> header : HopByHopHeaders.strip(change.headers() != null ? change.headers() : original.requestHeaders(), false)) {
            String name = header.getKey();
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("expect")) {
                headers.add(Map.entry(name, header.getValue()));
            }
        }
        MultiMap outgoing = MultiMap.caseInsensitiveMultiMap();
        headers.forEach(h -> outgoing.add(h.getKey(), h.getValue()));
        boolean hasBody = body.length > 0 || !(method.equalsIgnoreCase("GET") || method.equalsIgnoreCase("HEAD"));
        if (hasBody) {
            outgoing.set("Content-Length", Integer.toString(body.length));
            headers.add(Map.entry("Content-Length", Integer.toString(body.length)));
        }
        ExchangeObserver.Exchange recorder = new CapturingObserver(store, tunnelName, maxBodyBytes, original.id(), budget)
                .begin("replay", method, uri, headers);
        Buffer payload = Buffer.buffer(body);
        recorder.requestBody(payload);
        Promise<Void> done = Promise.promise();
        RequestOptions options;
        try {
            options = new RequestOptions().setMethod(HttpMethod.valueOf(method.toUpperCase(java.util.Locale.ROOT)))
                    .setHost(upstream.host()).setPort(upstream.port()).setSsl(upstream.ssl()).setURI(uri).setHeaders(outgoing)
                    .setIdleTimeout(timeout.toMillis());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new IllegalArgumentException("invalid method or uri: " + e.getMessage()));
        }
        client.request(options)
                .compose(request -> hasBody ? request.send(payload) : request.send())
                .onSuccess(response -> {
                    List<Map.Entry<String, String>> responseHeaders = new ArrayList<>();
                    response.headers().forEach(h -> responseHeaders.add(Map.entry(h.getKey(), h.getValue())));
                    recorder.response(response.statusCode(), response.statusMessage(), responseHeaders);
                    response.handler(recorder::responseBody);
                    response.exceptionHandler(failure -> {
                        recorder.fail(reason(upstream, failure));
                        done.tryComplete();
                    });
                    response.endHandler(v -> {
                        recorder.end();
                        done.tryComplete();
                    });
                })
                .onFailure(failure -> {
                    recorder.fail(reason(upstream, failure));
                    done.tryComplete();
                });
        return done.future();
    }

    private String reason(HttpUpstream upstream, Throwable failure) {
        if (failure instanceof java.util.concurrent.TimeoutException) {
            return "upstream " + upstream.address() + " sent nothing for "
                    + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms") + " (replay timeout)";
        }
        return "upstream " + upstream.address() + ": " + failure.getMessage();
    }

    Future<Void> close() {
        return client.close();
    }
}
