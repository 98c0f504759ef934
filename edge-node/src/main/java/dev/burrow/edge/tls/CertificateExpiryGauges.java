package dev.burrow.edge.tls;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the certificates of one source expire, for an operator's alerting:
 * {@code burrow_certificate_expiry_seconds{source,name}} (epoch seconds, one row per name the source serves) and
 * {@code burrow_certificate_soonest_expiry_days{source}} (days left of its soonest, negative once expired, NaN with
 * none). Sources: {@code acme}, {@code policy} (an endpoint's {@code terminate-tls} certificate). A row is registered when
 * a name first appears and removed when it leaves, so a change costs one meter, never a pass over all of them (changes
 * are rare: a new name, a new certificate; never per handshake).
 */
public final class CertificateExpiryGauges {
    public static final String EXPIRY = "burrow_certificate_expiry_seconds";
    public static final String SOONEST = "burrow_certificate_soonest_expiry_days";

    private final MeterRegistry registry;
    private final String source;
    private final Map<String, Row> rows = new ConcurrentHashMap<>();

    private static final class Row {
        volatile long notAfterMillis;
        Gauge gauge;

        Row(long notAfterMillis) {
            this.notAfterMillis = notAfterMillis;
        }
    }

    /** @param registry null: nothing is registered (tests and components without metrics) */
    public CertificateExpiryGauges(MeterRegistry registry, String source) {
        this.registry = registry;
        this.source = source;
        if (registry != null) {
            Gauge.builder(SOONEST, this, CertificateExpiryGauges::soonestDaysLeft).tags(Tags.of("source", source))
                    .description("Days left before the soonest certificate of a source expires (negative once expired, NaN with none)")
                    .register(registry);
        }
    }

    /** {@code name} is served by a certificate of this source valid until {@code notAfterMillis}. */
    public synchronized void set(String name, long notAfterMillis) {
        Row row = rows.computeIfAbsent(name, n -> new Row(notAfterMillis));
        row.notAfterMillis = notAfterMillis;
        if (registry != null && row.gauge == null) {
            row.gauge = Gauge.builder(EXPIRY, row, r -> r.notAfterMillis / 1000.0).tags(Tags.of("source", source, "name", name))
                    .description("When each certificate held expires, epoch seconds, by source").register(registry);
        }
    }

    /** {@code name} is no longer served by this source. */
    public synchronized void remove(String name) {
        Row row = rows.remove(name);
        if (row != null && row.gauge != null) {
            registry.remove(row.gauge);
        }
    }

    /** Exactly {@code notAfterByName} (name to epoch millis), as a source that knows all of its certificates at once says. */
    public synchronized void replaceAll(Map<String, Long> notAfterByName) {
        rows.keySet().stream().filter(name -> !notAfterByName.containsKey(name)).toList().forEach(this::remove);
        notAfterByName.forEach(this::set);
    }

    /** Rows held (a gauge for tests). */
    public int size() {
        return rows.size();
    }

    private double soonestDaysLeft() {
        long soonest = Long.MAX_VALUE;
        for (Row row : rows.values()) {
            soonest = Math.min(soonest, row.notAfterMillis);
        }
        return soonest == Long.MAX_VALUE ? Double.NaN : (soonest - System.currentTimeMillis()) / 86_400_000.0;
    }
}
