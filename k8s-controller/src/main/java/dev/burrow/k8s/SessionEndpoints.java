package dev.burrow.k8s;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Forwarder;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Every endpoint the controller serves, on one session, by the resource that asked for it ("kind ns/name"). A change
 * of a resource re-binds only its endpoints whose wish changed (a change of only the traffic policy is applied to the
 * bound endpoint instead) and leaves every other endpoint bound. Changes run one
 * at a time on one worker thread, so the SDK's futures are awaited there, never on an event loop or informer thread.
 */
final class SessionEndpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionEndpoints.class);
    static final long AWAIT_SECONDS = 30;

    private final BurrowSession session;
    private final Map<String, Map<String, Bound>> byResource = new HashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "burrow-controller-endpoints");
        thread.setDaemon(true);
        return thread;
    });

    private record Bound(Forwarder forwarder, EndpointWish wish) {
    }

    /**
     * What became of one wish: its endpoint, or why it could not be bound; or its endpoint still bound with the old
     * policy and why the new one was refused.
     */
    record Outcome(Forwarder forwarder, BurrowException failure, String error) {
        boolean bound() {
            return forwarder != null;
        }

        boolean failed() {
            return error != null;
        }
    }

    SessionEndpoints(BurrowSession session) {
        this.session = session;
    }

    /** Runs {@code change} on the worker; a failure is logged with {@code resource}, never thrown. */
    void submit(String resource, Runnable change) {
        if (worker.isShutdown()) {
            return;
        }
        worker.execute(() -> {
            try {
                change.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: {}", resource, e.toString());
            }
        });
    }

    /**
     * On the worker: makes the endpoints of {@code resource} be exactly {@code wishes} (by name) and returns what became
     * of each, in the order given. Endpoints whose wish did not change are kept.
     */
    Map<String, Outcome> apply(String resource, Map<String, ? extends EndpointWish> wishes) {
        Map<String, Bound> bound = new LinkedHashMap<>(byResource.getOrDefault(resource, Map.of()));
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, Bound>> it = bound.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Bound> entry = it.next();
            EndpointWish wanted = wishes.get(entry.getKey());
            boolean served = wanted != null && wanted.servedBy(entry.getValue().wish(), entry.getValue().forwarder());
            if (wanted != null && !served
                    && wanted.servedBy(entry.getValue().wish().withTrafficPolicy(wanted.trafficPolicy()), entry.getValue().forwarder())) {
                Outcome changed = changePolicy(resource, entry.getValue(), wanted);
                entry.setValue(changed.failed() ? entry.getValue() : new Bound(entry.getValue().forwarder(), wanted));
                outcomes.put(entry.getKey(), changed);
            } else if (!served) {
                await(entry.getValue().forwarder().close());
                LOG.info("{}: unbound {}", resource, entry.getKey());
                it.remove();
            }
        }
        for (Map.Entry<String, ? extends EndpointWish> wish : wishes.entrySet()) {
            Bound kept = bound.get(wish.getKey());
            if (outcomes.containsKey(wish.getKey())) {
                outcomes.put(wish.getKey(), outcomes.remove(wish.getKey()));
                continue;
            }
            if (kept != null) {
                outcomes.put(wish.getKey(), new Outcome(kept.forwarder(), null, null));
                continue;
            }
            try {
                Forwarder forwarder = await(wish.getValue().bind(session));
                bound.put(wish.getKey(), new Bound(forwarder, wish.getValue()));
                outcomes.put(wish.getKey(), new Outcome(forwarder, null, null));
                LOG.info("{}: {} -> {}", resource, forwarder.publicUrl(), wish.getValue());
            } catch (RuntimeException e) {
                BurrowException failure = e.getCause() instanceof BurrowException b ? b : null;
                outcomes.put(wish.getKey(), new Outcome(null, failure, e.getMessage()));
                LOG.warn("{}: cannot bind {}: {}", resource, wish.getKey(), e.getMessage());
            }
        }
        if (bound.isEmpty()) {
            byResource.remove(resource);
        } else {
            byResource.put(resource, bound);
        }
        return outcomes;
    }

    /**
     * Applies {@code wanted}'s policy to the bound endpoint (URL, link and open connections stay); a refused policy
     * leaves the old one in force and is the outcome's failure, beside the endpoint that is still bound.
     */
    private Outcome changePolicy(String resource, Bound bound, EndpointWish wanted) {
        try {
            await(bound.forwarder().updateTrafficPolicy(wanted.trafficPolicy()));
            LOG.info("{}: traffic policy of {} changed", resource, bound.forwarder().publicUrl());
            return new Outcome(bound.forwarder(), null, null);
        } catch (RuntimeException e) {
            LOG.warn("{}: traffic policy of {} NOT changed (the old one stays in force): {}", resource,
                    bound.forwarder().publicUrl(), e.getMessage());
            return new Outcome(bound.forwarder(), e.getCause() instanceof BurrowException b ? b : null, String.valueOf(e.getMessage()));
        }
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    /** Stops taking changes and lets the queued ones finish; the endpoints stay bound. */
    void drain() {
        worker.shutdown();
        try {
            worker.awaitTermination(AWAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops taking changes, lets the queued ones finish, then closes every endpoint (the session stays open). */
    @Override
    public void close() {
        drain();
        for (String resource : List.copyOf(byResource.keySet())) {
            apply(resource, Map.of());
        }
    }
}
