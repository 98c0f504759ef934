package dev.burrow.edge.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The per-request meters of Vert.x's HTTP server metrics, under the names, labels ({@code method}, {@code code}) and
 * descriptions that vertx-micrometer-metrics 5.0.7 gives them with its default labels, each registered once and then
 * kept. The library builds the tags and looks five meters up in the registry (and registers a gauge) on every
 * request, whatever its meter-cache option says (the option is read nowhere in 5.0.7). One instance per registry,
 * shared by every HTTP server of the node, so that all servers add to the same series as the library's do.
 *
 * <p>A request method is any token a client sends, so the method label is capped: past {@value #MAX_METHODS}
 * distinct methods a new one is counted as {@value #OTHER_METHOD}, which no real method can be ({@code (} is not
 * a token character). The library has no such cap.
 */
final class HttpRequestMeters {
    static final int MAX_METHODS = 64;
    static final String OTHER_METHOD = "(other)";
    /** Status codes 0-999 are kept in an array; Vert.x writes a status line with three digits. */
    private static final int STATUS_CODES = 1000;

    private final MeterRegistry registry;
    private final ConcurrentMap<String, ForMethod> byMethod = new ConcurrentHashMap<>();
    private final LongAdder openWebSockets = new LongAdder();

    HttpRequestMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    ForMethod method(HttpMethod method) {
        ForMethod meters = byMethod.get(method.name());
        return meters != null ? meters : register(method.name());
    }

    /** Registered on the first WebSocket, as the library does; a later call finds the gauge in the registry. */
    LongAdder openWebSockets() {
        Gauge.builder("vertx.http.server.active.ws.connections", openWebSockets, LongAdder::doubleValue)
                .description("Number of websockets currently opened").strongReference(true).register(registry);
        return openWebSockets;
    }

    private ForMethod register(String method) {
        String label = byMethod.size() < MAX_METHODS ? method : OTHER_METHOD;
        return byMethod.computeIfAbsent(label, ForMethod::new);
    }

    /**
     * The meters of one request method, each registered when first needed, as the library does (a series appears
     * with its first sample, not before).
     */
    final class ForMethod {
        final LongAdder activeRequests = new LongAdder();
        private final Tags tags;
        private final OnFirstUse<DistributionSummary> requestBytes;
        private final OnFirstUse<Counter> requestResets;
        private final AtomicReferenceArray<ForResponse> byStatus = new AtomicReferenceArray<>(STATUS_CODES);
        private final ConcurrentMap<Integer, ForResponse> byUnusualStatus = new ConcurrentHashMap<>();

        private ForMethod(String method) {
            tags = Tags.of("method", method);
            Gauge.builder("vertx.http.server.active.requests", activeRequests, LongAdder::doubleValue)
                    .description("Number of requests being processed").tags(tags).strongReference(true).register(registry);
            requestBytes = new OnFirstUse<>(() -> DistributionSummary.builder("vertx.http.server.request.bytes")
                    .description("Size of requests in bytes").tags(tags).register(registry));
            requestResets = new OnFirstUse<>(() -> Counter.builder("vertx.http.server.request.resets")
                    .description("Number of request resets").tags(tags).register(registry));
        }

        DistributionSummary requestBytes() {
            return requestBytes.get();
        }

        Counter requestResets() {
            return requestResets.get();
        }

        ForResponse status(int code) {
            if (code < 0 || code >= STATUS_CODES) {
                return byUnusualStatus.computeIfAbsent(code, ForResponse::new);
            }
            ForResponse meters = byStatus.get(code);
            if (meters == null) {
                meters = new ForResponse(code);
                byStatus.set(code, meters);
            }
            return meters;
        }

        /** The meters of the responses with one status code to this method. */
        final class ForResponse {
            final Counter requests;
            final Timer responseTime;
            final DistributionSummary responseBytes;

            private ForResponse(int code) {
                Tags withCode = tags.and("code", String.valueOf(code));
                requests = Counter.builder("vertx.http.server.requests")
                        .description("Number of processed requests").tags(withCode).register(registry);
                responseTime = Timer.builder("vertx.http.server.response.time")
                        .description("Request processing time").tags(withCode).register(registry);
                responseBytes = DistributionSummary.builder("vertx.http.server.response.bytes")
                        .description("Size of responses in bytes").tags(withCode).register(registry);
            }
        }
    }

    /** A meter registered on its first use; registering twice returns the same meter, so a lost race is harmless. */
    private static final class OnFirstUse<M> {
        private final Supplier<M> register;
        private volatile M meter;

        OnFirstUse(Supplier<M> register) {
            this.register = register;
        }

        M get() {
            M registered = meter;
            if (registered == null) {
                registered = register.get();
                meter = registered;
            }
            return registered;
        }
    }
}
