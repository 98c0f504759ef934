package dev.burrow.edge.tenancy;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * This node's copy of a durable Hazelcast map (or of a value derived from each entry), kept current by the map's entry
 * events, so that a read costs no call into the cluster and a miss no database read (a map miss goes to the MapStore).
 * The copy is authoritative because the maps are loaded eagerly and written through. An eviction counts as a removal:
 * the maps are never evicted for size, only when another region deleted the row ({@link RemoteChanges}).
 *
 * <p>Seeding: the listener is registered first, then the map is read once. An event handled while that snapshot is
 * merged wins over the snapshot's (possibly older) value of its key, so a removal seen before the merge is never
 * undone by it.
 */
final class LocalMirror<V, M> implements EntryAddedListener<String, V>, EntryUpdatedListener<String, V>,
        EntryRemovedListener<String, V>, EntryEvictedListener<String, V> {
    private final IMap<String, V> map;
    private final Function<V, M> derive;
    private final Consumer<M> dropped;
    private final Map<String, M> copy = new ConcurrentHashMap<>();
    /** Keys an event or a local write changed while the snapshot was being merged. */
    private final Set<String> touched = ConcurrentHashMap.newKeySet();
    private volatile boolean seeding = true;
    private volatile UUID listener;

    /** {@code derive} maps an entry to what is kept, or to null to keep nothing for it. */
    LocalMirror(IMap<String, V> map, Function<V, M> derive) {
        this(map, derive, value -> { });
    }

    /** As {@link #LocalMirror(IMap, Function)}; {@code dropped} is told of every kept value replaced or removed. */
    LocalMirror(IMap<String, V> map, Function<V, M> derive, Consumer<M> dropped) {
        this.map = map;
        this.derive = derive;
        this.dropped = dropped;
    }

    static <V> LocalMirror<V, V> of(IMap<String, V> map) {
        return new LocalMirror<>(map, Function.identity());
    }

    /** Blocking: registers the listener, then reads the map once. */
    void start() {
        listener = map.addEntryListener(this, true);
        seed(new HashMap<>(map));
    }

    void stop() {
        try {
            if (listener != null) {
                map.removeEntryListener(listener);
            }
        } catch (RuntimeException ignored) {
            // the member is shutting down
        }
    }

    /** Merges a snapshot read after the listener was registered: keys changed since keep their newer value. */
    void seed(Map<String, V> snapshot) {
        for (Map.Entry<String, V> entry : snapshot.entrySet()) {
            M value = entry.getValue() == null ? null : derive.apply(entry.getValue());
            M old = copy.get(entry.getKey());
            M kept = copy.compute(entry.getKey(), (key, current) -> touched.contains(key) ? current : value);
            drop(kept == value ? old : value, kept);
        }
        seeding = false;
        touched.clear();
    }

    M get(String key) {
        return copy.get(key);
    }

    boolean isEmpty() {
        return copy.isEmpty();
    }

    /** A write: this node's own writes show at once (other nodes learn them from the event). */
    void put(String key, V value) {
        M derived = value == null ? null : derive.apply(value);
        drop(replace(key, derived), derived);
    }

    void remove(String key) {
        drop(replace(key, null), null);
    }

    /** Sets the key's kept value and returns the one it replaced. */
    private M replace(String key, M value) {
        Object[] before = new Object[1];
        copy.compute(key, (k, old) -> {
            if (seeding) {
                touched.add(k);
            }
            before[0] = old;
            return value;
        });
        @SuppressWarnings("unchecked")
        M old = (M) before[0];
        return old;
    }

    private void drop(M gone, M kept) {
        if (gone != null && gone != kept) {
            dropped.accept(gone);
        }
    }

    @Override
    public void entryAdded(EntryEvent<String, V> event) {
        put(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, V> event) {
        put(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, V> event) {
        remove(event.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, V> event) {
        remove(event.getKey());
    }
}
