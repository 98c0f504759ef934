package dev.burrow.agent.inspect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The last {@code capacity} exchanges of every endpoint, newest first; the oldest is evicted when a new one arrives.
 * Exchanges are added from many event loops, read from the API's: every method is thread-safe. Listeners (the live
 * list's event streams) are called on the adding thread and must hand work to their own context.
 */
public final class ExchangeStore {
    private final int capacity;
    private final ArrayDeque<CapturedExchange> exchanges = new ArrayDeque<>();
    private final List<Consumer<CapturedExchange>> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> clearListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final long idPrefix = System.currentTimeMillis() % 1_000_000;

    public ExchangeStore(int capacity) {
        this.capacity = capacity;
    }

    String nextId() {
        return "ex_" + Long.toString(idPrefix, 36) + "_" + ids.incrementAndGet();
    }

    void add(CapturedExchange exchange) {
        if (capacity == 0) {
            return;
        }
        synchronized (exchanges) {
            exchanges.addFirst(exchange);
            while (exchanges.size() > capacity) {
                exchanges.removeLast();
            }
        }
        listeners.forEach(listener -> listener.accept(exchange));
    }

    /** Newest first, at most {@code limit}, only {@code tunnelName}'s if not null. */
    public List<CapturedExchange> list(int limit, String tunnelName) {
        List<CapturedExchange> result = new ArrayList<>();
        synchronized (exchanges) {
            Iterator<CapturedExchange> it = exchanges.iterator();
            while (it.hasNext() && result.size() < limit) {
                CapturedExchange exchange = it.next();
                if (tunnelName == null || tunnelName.equals(exchange.tunnelName())) {
                    result.add(exchange);
                }
            }
        }
        return result;
    }

    public Optional<CapturedExchange> get(String id) {
        synchronized (exchanges) {
            return exchanges.stream().filter(e -> e.id().equals(id)).findFirst();
        }
    }

    public void clear() {
        synchronized (exchanges) {
            exchanges.clear();
        }
        clearListeners.forEach(Runnable::run);
    }

    public int size() {
        synchronized (exchanges) {
            return exchanges.size();
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Returns what removes the listener. */
    public Runnable onAdded(Consumer<CapturedExchange> listener, Runnable onCleared) {
        listeners.add(listener);
        clearListeners.add(onCleared);
        return () -> {
            listeners.remove(listener);
            clearListeners.remove(onCleared);
        };
    }
}
