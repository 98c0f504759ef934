package dev.burrow.edge.region;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Which other region serves a hostname, remembered briefly so that a busy hostname costs one lookup per TTL rather
 * than one per request: a found answer for {@link #FOUND_TTL}, a "nowhere" answer for {@link #MISSING_TTL} (so an
 * agent that just connected in another region is found soon). Concurrent requests for one hostname share one lookup.
 * At most {@link #MAX_IN_FLIGHT} lookups are out at once per node: past that, a hostname that needs a new lookup is
 * answered "nowhere" at once, without remembering it, and counted ({@link #shedCount}), so that a flood of distinct
 * names cannot make a node fan out without bound (review2 L16).
 */
public final class RegionDirectory {
    static final Duration FOUND_TTL = Duration.ofSeconds(5);
    static final Duration MISSING_TTL = Duration.ofSeconds(1);
    static final int MAX_ENTRIES = 100_000;
    static final int MAX_IN_FLIGHT = 1_000;
    /** How often the owner should call {@link #sweep()}. */
    public static final Duration SWEEP_EVERY = Duration.ofSeconds(5);

    private final Function<String, Future<RegionRelays.Answer>> lookup;
    private final LongSupplier clock;
    private final int maxEntries;
    private final int maxInFlight;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong shed = new AtomicLong();

    private record Entry(Future<RegionRelays.Answer> answer, long expiresAtNanos, boolean inFlight) {
    }

    /** @param lookup asks the other regions (completes with null for "nowhere") */
    public RegionDirectory(Function<String, Future<RegionRelays.Answer>> lookup, LongSupplier nanoClock) {
        this(lookup, nanoClock, MAX_ENTRIES, MAX_IN_FLIGHT);
    }

    RegionDirectory(Function<String, Future<RegionRelays.Answer>> lookup, LongSupplier nanoClock, int maxEntries) {
        this(lookup, nanoClock, maxEntries, MAX_IN_FLIGHT);
    }

    RegionDirectory(Function<String, Future<RegionRelays.Answer>> lookup, LongSupplier nanoClock, int maxEntries,
                    int maxInFlight) {
        this.lookup = lookup;
        this.clock = nanoClock;
        this.maxEntries = maxEntries;
        this.maxInFlight = maxInFlight;
    }

    /** Where {@code hostname} is served in another region, or null; from the cache while its answer is fresh. */
    public Future<RegionRelays.Answer> find(String hostname) {
        long now = clock.getAsLong();
        if (entries.size() >= maxEntries && !entries.containsKey(hostname)) {
            // Full until the next sweep: ask without remembering (never a scan on the request path).
            Future<RegionRelays.Answer> uncached = ask(hostname);
            return uncached != null ? uncached : shed();
        }
        boolean[] refused = new boolean[1];
        Entry entry = entries.compute(hostname, (key, old) -> {
            if (old != null && (old.inFlight() || old.expiresAtNanos() - now > 0)) {
                return old;
            }
            Future<RegionRelays.Answer> asked = ask(key);
            if (asked == null) {
                refused[0] = true;
                return old;
            }
            // The TTL counts from the answer; an entry stays in flight until then.
            return new Entry(asked, 0, true);
        });
        if (refused[0]) {
            return shed();
        }
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

    /** A lookup of the other regions, or null when {@link #maxInFlight} are already out. */
    private Future<RegionRelays.Answer> ask(String hostname) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return null;
        }
        Future<RegionRelays.Answer> answer;
        try {
            answer = lookup.apply(hostname);
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            throw e;
        }
        answer.onComplete(ar -> inFlight.decrementAndGet());
        return answer;
    }

    private Future<RegionRelays.Answer> shed() {
        shed.incrementAndGet();
        return Future.succeededFuture();
    }

    /** Lookups answered "nowhere" without asking because {@link #MAX_IN_FLIGHT} were out (metric). */
    public long shedCount() {
        return shed.get();
    }

    /** Lookups out now. */
    int inFlight() {
        return inFlight.get();
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
