package dev.burrow.testsupport.scale;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.Arrays;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Times public HTTP requests through the edge, one at a time on one keep-alive connection, so each figure is the
 * edge's per-request path (parse, registry lookup by Host, then either a 404 or a stream to the agent and back)
 * with no queueing. Two kinds: to random bound hostnames (routed; the idle agent answers 200 at once) and to
 * hostnames nobody bound (the lookup misses and the edge answers 404 itself).
 */
final class LookupProbe implements AutoCloseable {

    /** Latency percentiles of one batch, in microseconds, and how many answers had the wrong status. */
    record Result(int requests, double p50Micros, double p99Micros, double maxMicros, int wrongStatus) {
    }

    private final HttpClientAgent client;
    private final int httpPort;
    private final String domain;
    private final Random random = new Random(42);

    LookupProbe(Vertx vertx, int httpPort, String domain) {
        this.httpPort = httpPort;
        this.domain = domain;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                        .setConnectTimeout(5_000).setIdleTimeout(0),
                new PoolOptions().setHttp1MaxSize(1));
    }

    /** {@code requests} requests to random hostnames among the first {@code bound} sessions' names; expects 200. */
    Future<Result> routed(int bound, int requests) {
        return batch(requests, i -> SessionScaleTool.subdomain(random.nextInt(bound)), 200);
    }

    /** {@code requests} requests to hostnames that no session bound; expects the edge's own 404. */
    Future<Result> missing(int requests) {
        return batch(requests, i -> "missing-" + random.nextInt(1_000_000), 404);
    }

    private Future<Result> batch(int requests, IntFunction<String> names, int expectedStatus) {
        long[] micros = new long[requests];
        int[] wrong = new int[1];
        Promise<Result> done = Promise.promise();
        step(0, requests, names, expectedStatus, micros, wrong, done);
        return done.future();
    }

    private void step(int i, int requests, IntFunction<String> names, int expectedStatus, long[] micros, int[] wrong,
                      Promise<Result> done) {
        if (i == requests) {
            done.complete(summarize(micros, wrong[0]));
            return;
        }
        String host = names.apply(i) + "." + domain + ":" + httpPort;
        long start = System.nanoTime();
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(httpPort)
                        .setURI("/").putHeader("host", host).setTimeout(10_000))
                .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        done.fail(new IllegalStateException("request to " + host + " failed: " + ar.cause(), ar.cause()));
                        return;
                    }
                    micros[i] = (System.nanoTime() - start) / 1_000;
                    if (ar.result() != expectedStatus) {
                        wrong[0]++;
                    }
                    step(i + 1, requests, names, expectedStatus, micros, wrong, done);
                });
    }

    private static Result summarize(long[] micros, int wrong) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return new Result(sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1], wrong);
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    @Override
    public void close() {
        client.close();
    }
}
