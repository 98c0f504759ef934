package dev.burrow.edge.chain;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who waits for this node to learn an endpoint's new traffic policy document from the registry (an agent's
 * update_policy is answered only then). Any thread: the registry's listener tells {@link #seen} from its own.
 */
public final class PolicyChangeWaiters {
    private record Waiter(String document, Promise<Boolean> seen) {
    }

    private final Map<String, List<Waiter>> byEndpoint = new ConcurrentHashMap<>();

    /**
     * Completes with true when {@link #seen} tells {@code document} (null: no policy) for the endpoint, or with false
     * after {@code timeoutMillis}.
     */
    public Future<Boolean> await(Vertx vertx, String endpointId, String document, long timeoutMillis) {
        Waiter waiter = new Waiter(document, Promise.promise());
        byEndpoint.compute(endpointId, (id, waiters) -> {
            List<Waiter> list = waiters == null ? new ArrayList<>() : waiters;
            list.add(waiter);
            return list;
        });
        long timer = vertx.setTimer(timeoutMillis, id -> {
            remove(endpointId, waiter);
            waiter.seen().tryComplete(false);
        });
        return waiter.seen().future().andThen(ar -> vertx.cancelTimer(timer));
    }

    /** This node's view of the endpoint now carries {@code document} (null: no policy). */
    public void seen(String endpointId, String document) {
        List<Waiter> done = new ArrayList<>();
        byEndpoint.computeIfPresent(endpointId, (id, waiters) -> {
            waiters.removeIf(waiter -> Objects.equals(waiter.document(), document) && done.add(waiter));
            return waiters.isEmpty() ? null : waiters;
        });
        done.forEach(waiter -> waiter.seen().tryComplete(true));
    }

    /** Waiters not yet told (a gauge for tests). */
    public int size() {
        return byEndpoint.values().stream().mapToInt(List::size).sum();
    }

    private void remove(String endpointId, Waiter waiter) {
        byEndpoint.computeIfPresent(endpointId, (id, waiters) -> {
            waiters.remove(waiter);
            return waiters.isEmpty() ? null : waiters;
        });
    }
}
