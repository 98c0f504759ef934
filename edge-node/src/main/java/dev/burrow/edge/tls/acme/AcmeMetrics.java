package dev.burrow.edge.tls.acme;

import dev.burrow.edge.tls.CertificateExpiryGauges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What the ACME certificates look like to an operator's alerting: when each expires
 * ({@code burrow_acme_certificate_expiry_seconds{name}}, epoch seconds), the days left of the soonest to expire
 * ({@code burrow_acme_soonest_expiry_days}: alert below 20 with 90-day certificates, as renewal starts at day 60),
 * and counters of orders issued, failed and refused by the per-tenant cap. The same expiries also appear with the other
 * sources' in {@code burrow_certificate_expiry_seconds{source="acme",name}} ({@link CertificateExpiryGauges}).
 */
public final class AcmeMetrics {
    /** The source label of ACME certificates among all the edge's certificates. */
    public static final String SOURCE = "acme";

    private final MultiGauge expiry;
    private final CertificateExpiryGauges bySource;
    private final Counter issued;
    private final Counter failed;
    private final Counter refused;
    private volatile long soonestNotAfter = Long.MAX_VALUE;

    public AcmeMetrics(MeterRegistry registry) {
        this.expiry = MultiGauge.builder("burrow_acme_certificate_expiry_seconds")
                .description("When each ACME certificate held expires, epoch seconds").register(registry);
        this.bySource = new CertificateExpiryGauges(registry, SOURCE);
        Gauge.builder("burrow_acme_soonest_expiry_days", this, AcmeMetrics::soonestDaysLeft)
                .description("Days left before the soonest ACME certificate expires (NaN with none)").register(registry);
        this.issued = Counter.builder("burrow_acme_issued_total").description("Certificates issued or renewed by this node").register(registry);
        this.failed = Counter.builder("burrow_acme_failures_total").description("ACME orders that failed on this node").register(registry);
        this.refused = Counter.builder("burrow_acme_refused_total")
                .description("Names refused because their tenant holds --acme-max-per-tenant certificates").register(registry);
    }

    void changed(List<AcmeStore.StoredCertificate> held) {
        expiry.register(held.stream().map(stored -> MultiGauge.Row.of(Tags.of("name", stored.name()), stored.notAfter() / 1000.0)).toList(), true);
        bySource.replaceAll(held.stream().collect(Collectors.toMap(AcmeStore.StoredCertificate::name,
                AcmeStore.StoredCertificate::notAfter, Long::min)));
        soonestNotAfter = held.stream().mapToLong(AcmeStore.StoredCertificate::notAfter).min().orElse(Long.MAX_VALUE);
    }

    private double soonestDaysLeft() {
        long soonest = soonestNotAfter;
        return soonest == Long.MAX_VALUE ? Double.NaN : (soonest - System.currentTimeMillis()) / 86_400_000.0;
    }

    void issued() {
        issued.increment();
    }

    void failed() {
        failed.increment();
    }

    void refused() {
        refused.increment();
    }
}
