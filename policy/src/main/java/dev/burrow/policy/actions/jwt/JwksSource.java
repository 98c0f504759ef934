package dev.burrow.policy.actions.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import dev.burrow.policy.fetch.PolicyFetches;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.text.ParseException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The keys at one JWKS URL: fetched with the non-blocking HTTP client when first needed, kept, fetched again after
 * {@link #MAX_AGE_NANOS} (ngrok's "roughly every 15 minutes") and when a token names a {@code kid} the set lacks, but
 * then at most once per {@link #MIN_REFETCH_NANOS}, so tokens with made-up kids cannot make the edge hammer the issuer.
 * Concurrent callers share one fetch. A failed fetch keeps the keys already known. Fetched through
 * {@link PolicyFetches}, so never from an address the operator did not allow, and asked for at the first fetch, so
 * compiling a policy (offline too) opens nothing. Safe from any event loop.
 */
public final class JwksSource {
    static final long MAX_AGE_NANOS = 15L * 60 * 1_000_000_000;
    static final long MIN_REFETCH_NANOS = 30L * 1_000_000_000;
    static final int MAX_BYTES = 512 * 1024;
    static final long TIMEOUT_MILLIS = 5_000;

    private final String url;
    private final Supplier<PolicyFetches> fetches;
    private final LongSupplier nanoClock;
    private JWKSet keys;
    private long fetchedAt;
    private long lastUnknownKeyFetch;
    private boolean fetchedForUnknownKey;
    private Future<JWKSet> inFlight;

    public JwksSource(String url, Supplier<PolicyFetches> fetches, LongSupplier nanoClock) {
        this.url = url;
        this.fetches = fetches;
        this.nanoClock = nanoClock;
    }

    public String url() {
        return url;
    }

    /** The keys, fetching them first when none are known yet or they are older than 15 minutes. */
    public synchronized Future<JWKSet> current() {
        long now = nanoClock.getAsLong();
        if (keys != null && now - fetchedAt < MAX_AGE_NANOS) {
            return Future.succeededFuture(keys);
        }
        return fetch();
    }

    /** Fetches again because a token named an unknown kid, unless that was done within the last 30 seconds. */
    public synchronized Future<JWKSet> refetchForUnknownKey() {
        long now = nanoClock.getAsLong();
        if (inFlight != null) {
            return inFlight;
        }
        if (fetchedForUnknownKey && now - lastUnknownKeyFetch < MIN_REFETCH_NANOS) {
            return Future.succeededFuture(keys == null ? new JWKSet() : keys);
        }
        fetchedForUnknownKey = true;
        lastUnknownKeyFetch = now;
        return fetch();
    }

    private Future<JWKSet> fetch() {
        if (inFlight != null) {
            return inFlight;
        }
        JWKSet known = keys;
        Future<JWKSet> fetching = download().map(this::store).recover(failure ->
                known != null ? Future.succeededFuture(known) : Future.failedFuture(failure));
        inFlight = fetching;
        fetching.onComplete(done -> clearInFlight(fetching));
        return fetching;
    }

    private synchronized void clearInFlight(Future<JWKSet> finished) {
        if (inFlight == finished) {
            inFlight = null;
        }
    }

    private synchronized JWKSet store(JWKSet fetched) {
        keys = fetched;
        fetchedAt = nanoClock.getAsLong();
        return fetched;
    }

    private Future<JWKSet> download() {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                .setConnectTimeout(TIMEOUT_MILLIS).setIdleTimeout(TIMEOUT_MILLIS)
                .putHeader("Accept", "application/jwk-set+json, application/json");
        PolicyFetches through;
        try {
            through = fetches.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(new IllegalStateException("cannot fetch JWKS " + url + ": " + e.getMessage(), e));
        }
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        return through.check(url).compose(allowed -> through.client()).compose(http -> http.request(options))
                .compose(request -> {
                    sent.set(request);
                    return request.send();
                })
                .compose(this::readCapped)
                .timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                // A refused, oversized or late answer gives its connection back (or closes it) instead of reading on.
                .onFailure(failure -> {
                    HttpClientRequest request = sent.get();
                    if (request != null) {
                        request.reset();
                    }
                })
                .compose(body -> {
                    try {
                        return Future.succeededFuture(JWKSet.parse(body.toString()));
                    } catch (ParseException e) {
                        return Future.failedFuture(new IllegalStateException("JWKS " + url + " is not a JWK set: " + e.getMessage()));
                    }
                });
    }

    /** The body, read as it arrives and refused at the first byte past {@link #MAX_BYTES}, chunked or not. */
    private Future<Buffer> readCapped(HttpClientResponse response) {
        if (response.statusCode() != 200) {
            return Future.failedFuture(new IllegalStateException("JWKS " + url + " answered " + response.statusCode()));
        }
        String length = response.getHeader("content-length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MAX_BYTES) {
            return tooLarge();
        }
        Promise<Buffer> read = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BYTES) {
                read.tryFail(tooLarge().cause());
            } else if (!read.future().isComplete()) {
                body.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(read::tryFail);
        response.endHandler(v -> read.tryComplete(body));
        return read.future();
    }

    private Future<Buffer> tooLarge() {
        return Future.failedFuture(new IllegalStateException("JWKS " + url + " is larger than " + MAX_BYTES + " bytes"));
    }
}
