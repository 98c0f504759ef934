package dev.burrow.edge.region;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Which other region serves a hostname, remembered briefly so that a busy hostname costs one lookup per TTL rather
 * than one per request: a found answer for {@link #FOUND_TTL}, a "nowhere" answer for {@link #MISSING_TTL} (so an
 * agent that just connected in another region is found soon). Concurrent requests for one hostname share one lookup.
 */
public final class RegionDirectory {
    static final Duration FOUND_TTL = Duration.ofSeconds(5);
    static final Duration MISSING_TTL = Duration.ofSeconds(1);
    static final int MAX_ENTRIES = 100_000;
    /** How often the owner should call {@link #sweep()}. */
    public static final Duration SWEEP_EVERY = Duration.ofSeconds(5);

    private final Function<String, Future<RegionRelays.Answer>> lookup;
    private final LongSupplier clock;
    private final int maxEntries;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(Future<RegionRelays.Answer> answer, long expiresAtNanos, boolean inFlight) {
    }

    /** @param lookup asks the other regions (completes with null for "nowhere") */
    public RegionDirectory(Function<String, Future<RegionRelays.Answer>> lookup, LongSupplier nanoClock) {
        this(lookup, nanoClock, MAX_ENTRIES);
    }

    RegionDirectory(Function<String, Future<RegionRelays.Answer>> lookup, LongSupplier nanoClock, int maxEntries) {
        this.lookup = lookup;
        this.clock = nanoClock;
        this.maxEntries = maxEntries;
    }

    /** Where {@code hostname} is served in another region, or null; from the cache while its answer is fresh. */
    public Future<RegionRelays.Answer> find(String hostname) {
        long now = clock.getAsLong();
        if (entries.size() >= maxEntries && !entries.containsKey(hostname)) {
            // Full until the next sweep: ask without remembering (never a scan on the request path).
            return lookup.apply(hostname);
        }
        Entry entry = entries.compute(hostname, (key, old) -> {
            if (old != null && (old.inFlight() || old.expiresAtNanos() - now > 0)) {
                return old;
            }
            // The TTL counts from the answer; an entry stays in flight until then.
            return new Entry(lookup.apply(key), 0, true);
        });
        Future<RegionRelays.Answer> answer = entry.answer();
        if (entry.inFlight()) {
            answer.onComplete(ar -> {
                Duration ttl = ar.succeeded() && ar.result() != null ? FOUND_TTL : MISSING_TTL;
                entries.computeIfPresent(hostname, (key, current) -> current == entry
                        ? new Entry(answer, clock.getAsLong() + ttl.toNanos(), false) : current);
            });
        }
        return answer;
    }

    /** Drops expired answers; called from a periodic timer ({@link #SWEEP_EVERY}), never per request. */
    public void sweep() {
        long now = clock.getAsLong();
        entries.values().removeIf(e -> !e.inFlight() && e.expiresAtNanos() - now <= 0);
    }

    /** Forgets the answer for {@code hostname} (a relayed stream found the endpoint gone). */
    public void forget(String hostname) {
        entries.remove(hostname);
    }

    int size() {
        return entries.size();
    }
}
