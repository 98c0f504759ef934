package dev.burrow.agent.inspect;

import dev.burrow.agent.ExchangeObserver;
import dev.burrow.agent.forward.HttpUpstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's inspector: one store of captured exchanges for all endpoints, the observer each inspected endpoint
 * gets, and replay to an endpoint's upstream. Owns the replay client; {@link #close()} releases it.
 */
public final class Inspector {
    private final ExchangeStore store;
    private final int maxBodyBytes;
    private final Replayer replayer;
    private final CaptureBudget budget;
    private final Map<String, HttpUpstream> upstreams = new ConcurrentHashMap<>();

    public Inspector(Vertx vertx, int maxExchanges, int maxBodyBytes) {
        this(vertx, maxExchanges, maxBodyBytes, new CaptureBudget(CaptureBudget.DEFAULT_BYTES), Replayer.DEFAULT_TIMEOUT);
    }

    /**
     * @param budget        body bytes all exchanges in flight may capture together
     * @param replayTimeout a replay whose upstream sends nothing for this long is stored as failed
     */
    public Inspector(Vertx vertx, int maxExchanges, int maxBodyBytes, CaptureBudget budget, java.time.Duration replayTimeout) {
        this.store = new ExchangeStore(maxExchanges);
        this.maxBodyBytes = maxBodyBytes;
        this.budget = budget;
        this.replayer = new Replayer(vertx, store, budget, replayTimeout);
    }

    public CaptureBudget captureBudget() {
        return budget;
    }

    public ExchangeStore store() {
        return store;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The observer for endpoint {@code tunnelName}, whose replays go to {@code upstream}. */
    public ExchangeObserver observe(String tunnelName, HttpUpstream upstream) {
        upstreams.put(tunnelName, upstream);
        return new CapturingObserver(store, tunnelName, maxBodyBytes, budget);
    }

    /**
     * Replays; completes when the replayed exchange is stored. Fails with {@link java.util.NoSuchElementException} for an unknown id or tunnel,
     * {@link IllegalStateException} when the captured body is incomplete.
     */
    public Future<Void> replay(ReplayRequest request) {
        CapturedExchange original = store.get(request.id()).orElse(null);
        if (original == null) {
            return Future.failedFuture(new java.util.NoSuchElementException("no captured exchange with id \"" + request.id()
                    + "\" (it may have been evicted; the inspector keeps " + store.capacity() + ")"));
        }
        String tunnel = request.tunnelName() != null ? request.tunnelName() : original.tunnelName();
        HttpUpstream upstream = upstreams.get(tunnel);
        if (upstream == null) {
            return Future.failedFuture(new java.util.NoSuchElementException("no inspected HTTP tunnel named \"" + tunnel + "\""));
        }
        return replayer.replay(original, request, tunnel, upstream, maxBodyBytes);
    }

    public Future<Void> close() {
        return replayer.close();
    }
}
