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
 * of a resource re-binds only its endpoints whose wish changed and leaves every other endpoint bound. Changes run one
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

    /** What became of one wish: its endpoint, or why it could not be bound. */
    record Outcome(Forwarder forwarder, BurrowException failure, String error) {
        boolean bound() {
            return forwarder != null;
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
        for (Iterator<Map.Entry<String, Bound>> it = bound.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Bound> entry = it.next();
            if (!entry.getValue().wish().equals(wishes.get(entry.getKey()))) {
                await(entry.getValue().forwarder().close());
                LOG.info("{}: unbound {}", resource, entry.getKey());
                it.remove();
            }
        }
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends EndpointWish> wish : wishes.entrySet()) {
            Bound kept = bound.get(wish.getKey());
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

    /** Stops taking changes, lets the queued ones finish, then closes every endpoint (the session stays open). */
    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(AWAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String resource : List.copyOf(byResource.keySet())) {
            apply(resource, Map.of());
        }
    }
}
